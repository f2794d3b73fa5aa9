/**
 * `@icd/data/node`: the loaders of `@icd/data` that read files and folders (CodiEsp, MIMIC-III in the
 * CAML layout, CSV, JSONL, ICD-10-CM description files). Each has a from-string / from-bytes twin in the
 * browser-safe main entry (`parseCodiEsp`, `parseCamlMimic`, `parseCsv`, `parseJsonl`,
 * `parseIcd10Descriptions`). A missing file or folder, a folder where a file is expected, and invalid
 * UTF-8 are `DataFormatError`s naming the path (and line).
 *
 * @packageDocumentation
 */

export type { LoadIcd10CmTableOptions } from './icd10cm/read-icd10cm.js';
export { loadIcd10CmTable, readIcd10CmOrder, readIcd10CmTabular } from './icd10cm/read-icd10cm.js';
export { loadCamlMimic, loadCamlTopCodes } from './node/load-caml-mimic.js';
export { loadCodiesp } from './node/load-codiesp.js';
export type { LoadCsvOptions } from './node/load-csv.js';
export { loadCsv } from './node/load-csv.js';
export { loadIcd10Descriptions } from './node/load-icd10-descriptions.js';
export type { LoadJsonlOptions } from './node/load-jsonl.js';
export { loadJsonl } from './node/load-jsonl.js';
