"""Writes fixtures/caml/: a tiny, invented fixture in CAML's MIMIC-III layout (no MIMIC data).

Python's csv module quotes like pandas.DataFrame.to_csv, which CAML's dataproc notebook used, so the
fixture exercises the quoting a real train_50.csv has (commas, doubled quotes, line breaks in TEXT).
Run: /usr/bin/python3 packages/data/scripts/make-caml-fixture.py (from the repository root).
"""
import csv
import os

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'caml')
os.makedirs(here, exist_ok=True)
header = ['SUBJECT_ID', 'HADM_ID', 'TEXT', 'LABELS', 'length']
train = [
    ('1001', '200001', 'admission date discharge date service cardiothoracic history of present illness 67 year old man with chest pain', '414.01;401.9;36.15;39.61'),
    ('1002', '200002', 'chief complaint dyspnea\nhistory of present illness, "fluid overload" in chf patient', '428.0;427.31;584.9'),
    ('1003', '200003', 'discharge diagnosis sepsis', '038.9;995.92;V45.81'),
    ('1004', '200004', 'no codes kept after top 50 filter', ''),
]
dev = [
    ('1005', '200005', 'atrial fibrillation rvr', '427.31;E878.8'),
    ('1006', '200006', 'bad code row', '427.31;ABC'),
]
for name, rows in (('train_50.csv', train), ('dev_50.csv', dev)):
    with open(os.path.join(here, name), 'w', newline='') as handle:
        writer = csv.writer(handle, lineterminator='\n')
        writer.writerow(header)
        for subject, admission, text, labels in rows:
            writer.writerow([subject, admission, text, labels, len(text.split())])
with open(os.path.join(here, 'TOP_50_CODES.csv'), 'w') as handle:
    handle.write('401.9\n38.93\n428.0\n427.31\n414.01\n')
