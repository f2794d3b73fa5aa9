/** The kinds of identifier {@link redactPhi} finds; each is replaced by `[KIND]`. */
export type PhiType = 'NAME' | 'DATE' | 'PHONE' | 'EMAIL' | 'URL' | 'ID' | 'ADDRESS' | 'AGE';

/** A candidate identifier found by one detector, `[start, end)` in the input. */
export interface PhiCandidate {
  start: number;
  end: number;
  type: PhiType;
}

// Every pattern below is linear: quantified groups are separated by a required character that the group
// cannot start with, so a failed match never re-splits a run (no catastrophic backtracking).

const NAME_WORD = String.raw`(?:\p{Lu}(?:\p{Ll}+(?:['’-]\p{Lu}?\p{Ll}+)?|\.)|Mc\p{Lu}\p{Ll}+|O'\p{Lu}\p{Ll}+)`;
const NAMES = `${NAME_WORD}(?: ${NAME_WORD}){0,2}`;
const TITLE = String.raw`\b(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sister|Nurse|Rev)\.? (${NAMES})`;
const NAME_LABEL = String.raw`\b(?:[Pp]atient(?: [Nn]ame)?|[Nn]ame|Pt|Signed(?: by)?|[Ee]lectronically signed by|[Dd]ictated by|[Tt]ranscribed by|[Aa]ttending(?: physician)?|[Rr]eferring (?:physician|doctor|clinician)|[Cc]onsultant|[Aa]uthor|cc|[Ss]een by|[Rr]eviewed by|[Dd]iscussed with|[Rr]eferred by|[Nn]ext of kin|NOK|[Ee]mergency contact|[Cc]ontact(?=\s*:)|GP|[Pp]rimary care physician|PCP|[Ss]urgeon|[Rr]egistrar|[Rr]esident|[Ss]onographer|[Tt]echnician|[Cc]oordinator|[Nn]urse|[Pp]hysiotherapist|[Pp]harmacist|[Ii]nterpreter|[Mm]idwife|[Pp]hysician|[Cc]ardiologist|[Ff]ellow|[Aa]ssistant|[Oo]perator|[Cc]linician|[Pp]ractitioner|[Kk]ey worker|[Ss]ocial worker)\s*[:\-–]?\s*(${NAMES})`;
const CREDENTIAL = String.raw`\b(${NAME_WORD}(?: ${NAME_WORD}){1,2}),? (?:MD|M\.D\.|DO|RN|NP|PA-C|MBBS|MBChB|FRCP|MRCP|FACC|PhD|PharmD)\b`;
const KIN_WORD = `(?:[Ww]ife|[Hh]usband|[Ss]on|[Dd]aughter|[Gg]randson|[Gg]randdaughter|[Mm]other|[Ff]ather|[Bb]rother|[Ss]ister|[Pp]artner|[Nn]iece|[Nn]ephew|[Ff]riend|[Nn]eighbou?r|[Cc]arer|[Cc]aregiver|[Ss]pouse|[Ff]iancée?)`;
const KIN = String.raw`(?:\b(?:[Hh]is|[Hh]er|[Tt]heir|[Tt]he|\p{L}+['’]s|[Aa]nd|[Ww]ith) |(?:^|[.(;:]) ?)${KIN_WORD}(?:,| named| called)? (${NAME_WORD}(?: ${NAME_WORD})?)`;
// Capitalised words that follow these labels but are not names ("Seen by Cardiology").
// "Jane Doe (patient)", "Gareth Hughes (son)", "Beatrice Lowe is a 72-year-old ...".
const NAME_ROLE = String.raw`(${NAMES}) \((?:patient|${KIN_WORD}|NOK|next of kin)\)`;
const NAME_AGE = String.raw`(${NAMES}) (?:is|was) an? \d{1,3}[- ](?:year|yr)s?[- ]old`;
const NOT_NAMES = new Set(
  'St Saint General Royal University Memorial County City Dr Mr Mrs Ms Miss Mx Prof Doctor Nurse Sister Rev The A An Cardiology Cardiothoracic Medicine Surgery Radiology Neurology Nephrology Oncology Emergency ICU CCU ED ER Team Ward Unit Department Clinic Hospital Service Patient Name He She They On In At No Nil None Unknown Date Admission Discharge Acute Chronic Left Right History Heart This That These Those It We Our His Her Their Case One Here There'.split(
    ' ',
  ),
);

const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DAY = String.raw`(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?`;
const WEEKDAY = `(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,? )?`;
const DATE_TEXT = String.raw`\b${WEEKDAY}(?:${DAY} (?:of )?${MONTH},? \d{4}|${DAY} (?:of )?${MONTH}|${MONTH} ${DAY},? \d{4}|${MONTH} ${DAY}\b|${MONTH},? \d{4})\b`;
const DATE_NUMERIC = String.raw`(?<![\d/.-])\b(?:(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})|(\d{4})-(\d{1,2})-(\d{1,2}))\b(?![/.-]?\d)`;

const PHONE_LABEL = String.raw`\b(?:[Tt]el(?:ephone)?|[Pp]hone|[Mm]obile|[Mm]ob|[Cc]ell|[Ff]ax|[Pp]ager|[Bb]leep|[Ee]xt\.|[Cc]ontact (?:number|no))\.?\s*(?:no\.?|number|#)?\s*[:#]?\s*(\+?\(?\d[\d().\s-]{2,17}\d)`;
const PHONE_SHAPE = String.raw`(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)\s?|\b\d{3}[\s.-])\d{3,4}[\s.-]\d{3,4}\b|\b0\d{3,4} ?\d{3} ?\d{3,4}\b|\+\d{1,3}(?: \d{2,8}){2,4}\b`;

const ID_LABEL = String.raw`\b(?:MRN|MR#|MR ?No|[Mm]edical record(?: number| no)?|[Rr]ecord(?: number| no| #)|[Hh]ospital (?:number|no)|[Pp]atient ID|Pt ID|NHS(?: number| no)?|SSN|[Ss]ocial security(?: number)?|[Aa]ccount(?: number| no)?|Acct|[Uu]nit (?:number|no)|[Aa]ccession(?: number| no)?|[Ee]ncounter(?: number| no)?|[Cc]ase (?:number|no)|ID|[Ii]nsurance(?: number| no)?|[Pp]olicy(?: number| no)?|[Mm]ember ID|[Ll]icen[cs]e(?: number| no)?|(?:[Ll]ab )?[Rr]ef(?:erence)?(?: number| no)?|[Ss]erial(?: number| no)?)\.?\s*[:#]?\s*(?:no\.?\s*)?([A-Z]{0,4}[-\s]?\d[\dA-Z]*(?:[-\s]\d[\dA-Z]*){0,3})`;
const ID_SHAPE = String.raw`\b\d{3}-\d{2}-\d{4}\b|\b\d{8,}\b|\b[A-Z]{2,4}\d{6,}[A-Z]?\b`;

const STREET_SUFFIX = `(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Gardens|Grove|Row)`;
const STREET = String.raw`\b\d{1,5}[A-Za-z]?,? (?:[A-Z][a-z]+ ){1,3}${STREET_SUFFIX}\b\.?(?:,? (?:Apt|Apartment|Suite|Unit|Flat)\.? ?#?\w+)?(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)?){0,2}(?:,? [A-Z]{2} \d{5}(?:-\d{4})?)?`;
// A named facility locates the patient as precisely as a street ("Elm Tree Surgery", "St Mary's Hospital").
const FACILITY = String.raw`\b${NAME_WORD}(?: ${NAME_WORD}){0,3} (?:Hospital|Infirmary|Surgery|Medical Practice|Practice|Health Centre|Health Center|Medical Centre|Medical Center|Care Home|Nursing Home|Clinic)\b`;
// "General Surgery", "University Hospital", "Psychiatric Hospital" name a kind of place, not a place.
const GENERIC_FACILITY =
  /^(?:(?:the|General|University|Regional|Clinical|Psychiatric|Children's|Palliative|Care|Geriatric|High|District|Community|Teaching|Military|Private|Public|Provincial|County|Municipal|National|Central|Main|Local|Day|Maternity|Women's|Rehabilitation|Cancer|Eye|Dental|Plastic|Vascular|Digestive|Thoracic|Maxillofacial|Orthotic|Oral|Cardiac|Cardiothoracic|Orthopa?edic|Pa?ediatric|Colorectal|Breast|Hand|Spinal|Transplant|Reconstructive|Bariatric|Endocrine|Minor|Emergency|Ambulatory|Outpatient|Specialist|Referral|Reference|Cardiovascular|Repair|Ongoing|On-going|Major|Trauma|Urological|Gyna?ecological|Oncological|Abdominal|Hepatobiliary|Gastrointestinal|Mental|Health|Rheumatology|Cardiology|Neurology|Dermatology|Oncology|Pain|Sleep|Heart|Chest|Memory|Diabetes|Fertility|Travel|Vaccination) )+\S+$/;
const ADDRESS_LABEL = String.raw`\b(?:(?:[Hh]ome )?[Aa]ddress\s*:|[Rr]esides at|[Ll]ives at)\s*([^\n;.]{4,120})`;
const POSTCODE = String.raw`\b[A-Z]{2} \d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b|\bP\.?O\.? Box \d+\b`;

const AGE = String.raw`\b(?:(?:9\d|1[0-4]\d)(?:[- ](?:years?|yrs?)[- ]old|[- ]?(?:yo|y\/o|y\.o\.)|-year-old)|(?:aged|[Aa]ge:?) (?:9\d|1[0-4]\d)\b)`;

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"')\]]{2,200}/gi;

function digitCount(value: string): number {
  let count = 0;
  for (let index = 0; index < value.length; index++)
    if (value.charCodeAt(index) >= 48 && value.charCodeAt(index) <= 57) count++;
  return count;
}

function daysMonthsPlausible(first: number, second: number): boolean {
  return first >= 1 && second >= 1 && first <= 31 && second <= 31 && (first <= 12 || second <= 12);
}

interface Detector {
  readonly type: PhiType;
  readonly pattern: RegExp;
  /** Which capture group holds the identifier (0: the whole match). */
  readonly group: number;
  readonly accept?: (match: RegExpExecArray) => boolean;
}

const DETECTORS: readonly Detector[] = [
  { type: 'URL', pattern: URL_PATTERN, group: 0 },
  { type: 'NAME', pattern: new RegExp(TITLE, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(NAME_LABEL, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(CREDENTIAL, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(KIN, 'gmu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(NAME_ROLE, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(NAME_AGE, 'gu'), group: 1 },
  {
    type: 'ADDRESS',
    pattern: new RegExp(FACILITY, 'gu'),
    group: 0,
    accept: (match) => !GENERIC_FACILITY.test(match[0]),
  },
  { type: 'DATE', pattern: new RegExp(DATE_TEXT, 'g'), group: 0 },
  {
    type: 'DATE',
    pattern: new RegExp(DATE_NUMERIC, 'g'),
    group: 0,
    accept: (match) =>
      match[1] !== undefined
        ? daysMonthsPlausible(Number(match[1]), Number(match[3]))
        : Number(match[6]) <= 12 && Number(match[7]) <= 31,
  },
  {
    type: 'PHONE',
    pattern: new RegExp(PHONE_LABEL, 'g'),
    group: 1,
    accept: (match) => digitCount(match[1]!) >= 4,
  },
  { type: 'PHONE', pattern: new RegExp(PHONE_SHAPE, 'g'), group: 0 },
  { type: 'ID', pattern: new RegExp(ID_LABEL, 'g'), group: 1, accept: (match) => digitCount(match[1]!) >= 3 },
  { type: 'ID', pattern: new RegExp(ID_SHAPE, 'g'), group: 0 },
  { type: 'ADDRESS', pattern: new RegExp(STREET, 'g'), group: 0 },
  { type: 'ADDRESS', pattern: new RegExp(ADDRESS_LABEL, 'g'), group: 1 },
  { type: 'ADDRESS', pattern: new RegExp(POSTCODE, 'g'), group: 0 },
  { type: 'AGE', pattern: new RegExp(AGE, 'g'), group: 0 },
];

const LOCAL_PART = /[A-Za-z0-9._%+-]/;
const DOMAIN_PART = /[A-Za-z0-9.-]/;

/**
 * E-mail addresses, found from each '@' outwards: a regex would try a local part at every letter of the
 * text (64 steps each); this touches only the characters around an '@'.
 */
function findEmails(text: string, candidates: PhiCandidate[]): void {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_PART.test(text[start - 1]!)) start--;
    let end = at + 1;
    while (end < text.length && end - at < 254 && DOMAIN_PART.test(text[end]!)) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const domain = text.slice(at + 1, end);
    if (start < at && /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(domain))
      candidates.push({ start, end, type: 'EMAIL' });
  }
}

/** Runs every detector of `types` over `text` and returns the raw, possibly overlapping candidates. */
export function findPhiCandidates(text: string, types: ReadonlySet<PhiType>): PhiCandidate[] {
  const candidates: PhiCandidate[] = [];
  if (types.has('EMAIL')) findEmails(text, candidates);
  for (const detector of DETECTORS) {
    if (!types.has(detector.type)) continue;
    const pattern = detector.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const value = match[detector.group];
      if (value === undefined || (detector.accept !== undefined && !detector.accept(match))) continue;
      if (detector.type === 'NAME' && NOT_NAMES.has(value.split(' ')[0]!)) continue;
      const start = match.index + (detector.group === 0 ? 0 : match[0].lastIndexOf(value));
      let end = start + value.length;
      // A URL or free-text address does not end with sentence punctuation.
      while (end > start && /[.,;:]/.test(text[end - 1]!) && detector.type !== 'NAME') end--;
      if (end > start) candidates.push({ start, end, type: detector.type });
    }
  }
  return candidates;
}
