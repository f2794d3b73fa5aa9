// Test input: rows copied from CDC's icd10cm-order-2021.txt (../shared/data/icd10cm) and a tabular XML
// excerpt in the layout of icd10cm-tabular-2021.xml (two chapters, I48 and S72 subtrees), so the
// expected values below are read off the release, not off the parser.
export const ORDER_ROWS = [
  '11353 I48     0 Atrial fibrillation and flutter                              Atrial fibrillation and flutter',
  '11354 I480    1 Paroxysmal atrial fibrillation                               Paroxysmal atrial fibrillation',
  '11355 I481    0 Persistent atrial fibrillation                               Persistent atrial fibrillation',
  '11356 I4811   1 Longstanding persistent atrial fibrillation                  Longstanding persistent atrial fibrillation',
  '11357 I4819   1 Other persistent atrial fibrillation                         Other persistent atrial fibrillation',
  '55629 S72     0 Fracture of femur                                            Fracture of femur',
  '55630 S720    0 Fracture of head and neck of femur                           Fracture of head and neck of femur',
  '55631 S7200   0 Fracture of unspecified part of neck of femur                Fracture of unspecified part of neck of femur',
  '55632 S72001  0 Fracture of unspecified part of neck of right femur          Fracture of unspecified part of neck of right femur',
  '55633 S72001A 1 Fracture of unsp part of neck of right femur, init           Fracture of unspecified part of neck of right femur, initial encounter for closed fracture',
];

export const TABULAR_XML = `<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2021</version>
  <introduction>
    <introSection type="title"><title>ICD-10-CM TABULAR LIST of DISEASES and INJURIES</title></introSection>
  </introduction>
  <chapter>
    <name>9</name>
    <desc>Diseases of the circulatory system (I00-I99)</desc>
    <excludes2>
      <note>certain conditions originating in the perinatal period (P04-P96)</note>
    </excludes2>
    <sectionIndex>
      <sectionRef first="I30" last="I5A" id="I30-I5A">Other forms of heart disease</sectionRef>
    </sectionIndex>
    <section id="I30-I5A">
      <desc>Other forms of heart disease (I30-I5A)</desc>
      <diag>
        <name>I48</name>
        <desc>Atrial fibrillation and flutter</desc>
        <diag>
          <name>I48.0</name>
          <desc>Paroxysmal atrial fibrillation</desc>
        </diag>
        <diag>
          <name>I48.1</name>
          <desc>Persistent atrial fibrillation</desc>
          <excludes1>
            <note>Permanent atrial fibrillation (I48.21)</note>
          </excludes1>
          <diag>
            <name>I48.11</name>
            <desc>Longstanding persistent atrial fibrillation</desc>
          </diag>
          <diag>
            <name>I48.19</name>
            <desc>Other persistent atrial fibrillation</desc>
            <inclusionTerm>
              <note>Chronic persistent atrial fibrillation</note>
              <note>Persistent atrial fibrillation, NOS</note>
            </inclusionTerm>
          </diag>
        </diag>
      </diag>
    </section>
  </chapter>
  <chapter>
    <name>19</name>
    <desc>Injury, poisoning and certain other consequences of external causes (S00-T88)</desc>
    <section id="S70-S79">
      <desc>Injuries to the hip and thigh (S70-S79)</desc>
      <diag>
        <name>S72</name>
        <desc>Fracture of femur</desc>
        <sevenChrNote>
          <note>The appropriate 7th character is to be added to all codes from category S72</note>
        </sevenChrNote>
        <sevenChrDef>
          <extension char="A">initial encounter for closed fracture</extension>
          <extension char="B">initial encounter for open fracture type I or II</extension>
        </sevenChrDef>
        <diag>
          <name>S72.0</name>
          <desc>Fracture of head and neck of femur</desc>
          <diag>
            <name>S72.00</name>
            <desc>Fracture of unspecified part of neck of femur</desc>
            <inclusionTerm>
              <note>Fracture of hip NOS</note>
              <note>Fracture of neck of femur NOS</note>
            </inclusionTerm>
            <diag>
              <name>S72.001</name>
              <desc>Fracture of unspecified part of neck of right femur</desc>
            </diag>
          </diag>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
`;
