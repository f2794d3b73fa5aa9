/** The kinds of identifier {@link redactPhi} finds; each is replaced by `[KIND]` (`IP`: IP addresses). */
export type PhiType = 'NAME' | 'DATE' | 'PHONE' | 'EMAIL' | 'URL' | 'IP' | 'ID' | 'ADDRESS' | 'AGE';

/** A candidate identifier found by one detector, `[start, end)` in the input. */
export interface PhiCandidate {
  start: number;
  end: number;
  type: PhiType;
}

// Every pattern below is linear: quantified groups are separated by a required character that the group
// cannot start with, so a failed match never re-splits a run (no catastrophic backtracking).

export const NAME_WORD = String.raw`(?:\p{Lu}(?:\p{Ll}+(?:['’-]\p{Lu}?\p{Ll}+)?|\.)|Mc\p{Lu}\p{Ll}+|O'\p{Lu}\p{Ll}+)`;
// Surname particles ("van der Berg", "De la Cruz"), allowed before a capitalised name word.
export const PARTICLE = `(?:[Vv][ao]n|[Dd]e[lnr]?|[Dd]e la|[Dd][aiu]|[Ll][ae]|[Dd]os|[Dd]as|[Tt]er|[Tt]en)`;
const NAMES = `(?:${PARTICLE} (?:${PARTICLE} )?)?${NAME_WORD}(?: (?:${PARTICLE} (?:${PARTICLE} )?)?${NAME_WORD}){0,2}`;
// A name written in capitals ("JOHN SMITH", "O'NEILL"), accepted only after an upper-case label or title.
const UPPER_WORD = String.raw`(?:\p{Lu}{2,}(?:['’-]\p{Lu}+)?|\p{Lu}\.)`;
const UPPER_NAMES = `${UPPER_WORD}(?: ${UPPER_WORD}){0,2}`;
// "Dr Smith", "Dr.Smith" (no space after the dot), "DR SMITH".
const TITLE = String.raw`\b(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sister|Nurse|Rev)(?:\. ?| )(${NAMES})`;
const UPPER_TITLE = String.raw`\b(?:DR|MR|MRS|MS|MISS|PROF|REV)\.? (${UPPER_NAMES})\b`;
// Notes typed in lower case: "dr smith", "dr. okafor". One word, not a common English word (see below).
const LOWER_TITLE = String.raw`\b(?:dr|mr|mrs|ms)\.? (\p{Ll}{3,}(?:['’-]\p{Ll}+)?)\b`;
const NAME_LABEL_WORDS = String.raw`(?:[Pp]atient(?: [Nn]ame)?|[Nn]ame|Pt|Signed(?: by)?|[Ee]lectronically signed by|[Dd]ictated by|[Tt]ranscribed by|[Aa]ttending(?: physician)?|[Rr]eferring (?:physician|doctor|clinician)|[Cc]onsultant|[Aa]uthor|cc|[Ss]een by|[Rr]eviewed by|[Dd]iscussed with|[Rr]eferred by|[Nn]ext of kin|NOK|[Ee]mergency contact|[Cc]ontact(?=\s*:)|GP|[Pp]rimary care physician|PCP|[Ss]urgeon|[Rr]egistrar|[Rr]esident|[Ss]onographer|[Tt]echnician|[Cc]oordinator|[Nn]urse|[Pp]hysiotherapist|[Pp]harmacist|[Ii]nterpreter|[Mm]idwife|[Pp]hysician|[Cc]ardiologist|[Ff]ellow|[Aa]ssistant|[Oo]perator|[Cc]linician|[Pp]ractitioner|[Kk]ey worker|[Ss]ocial worker|[Tt]ech(?:nician|nologist)?|[Pp]hysiologist)`;
const NAME_LABEL = String.raw`\b${NAME_LABEL_WORDS}\s*[:\-–]?\s*(${NAMES})`;
// Upper-case headers: "PATIENT NAME: JOHN SMITH", "REFERRING PHYSICIAN: DR ALAN BROWN", "ATTENDING: Priya Nair".
const UPPER_LABEL_WORDS = `(?:PATIENT(?: NAME)?|NAME|PT|SIGNED(?: BY)?|ATTENDING(?: PHYSICIAN)?|REFERRING (?:PHYSICIAN|DOCTOR|CLINICIAN)|CONSULTANT|AUTHOR|SEEN BY|REVIEWED BY|NEXT OF KIN|NOK|EMERGENCY CONTACT|CONTACT|GP|PCP|PRIMARY CARE PHYSICIAN|SURGEON|CARDIOLOGIST|PHYSICIAN|NURSE|DICTATED BY|TRANSCRIBED BY)`;
const UPPER_LABEL = String.raw`\b${UPPER_LABEL_WORDS}\s*[:\-–]\s*(?:(?:DR|MR|MRS|MS|PROF)\.? )?(${UPPER_NAMES}|${NAMES})`;
const CREDENTIAL = String.raw`\b(${NAME_WORD}(?: ${NAME_WORD}){1,2}),? (?:MD|M\.D\.|DO|RN|NP|PA-C|MBBS|MBChB|FRCP|MRCP|FACC|PhD|PharmD)\b`;
const KIN_WORD = `(?:[Ww]ife|[Hh]usband|[Ss]on|[Dd]aughter|[Gg]randson|[Gg]randdaughter|[Mm]other|[Ff]ather|[Bb]rother|[Ss]ister|[Pp]artner|[Nn]iece|[Nn]ephew|[Ff]riend|[Nn]eighbou?r|[Cc]arer|[Cc]aregiver|[Ss]pouse|[Ff]iancée?)`;
const KIN = String.raw`(?:\b(?:[Hh]is|[Hh]er|[Tt]heir|[Tt]he|\p{L}+['’]s|[Aa]nd|[Ww]ith) |(?:^|[.(;:]) ?)${KIN_WORD}(?:,| named| called)? \(?(${NAME_WORD}(?: ${NAME_WORD})?)`;
// Capitalised words that follow these labels but are not names ("Seen by Cardiology").
// "Jane Doe (patient)", "Gareth Hughes (son)", "Beatrice Lowe is a 72-year-old ...".
const NAME_ROLE = String.raw`(${NAMES}) \((?:patient|${KIN_WORD}|NOK|next of kin)\)`;
const NAME_AGE = String.raw`(${NAMES}) (?:is|was) an? \d{1,3}[- ](?:year|yr)s?[- ]old`;
// "John Smith, 68M", "Ann Lee 72 F", "Ann Lee, 72yo": two name words, then an age and sex shorthand.
const NAME_AGE_SEX = String.raw`(?:^|(?<=[\n.;:] ?))(${NAME_WORD} ${NAME_WORD}(?: ${NAME_WORD})?),? \d{1,3} ?(?:[MF]|yo|y\/o)\b`;
export const NOT_NAMES: ReadonlySet<string> = new Set(
  'St Saint General Royal University Memorial County City Dr Mr Mrs Ms Miss Mx Prof Doctor Nurse Sister Rev The A An Cardiology Cardiothoracic Medicine Surgery Radiology Neurology Nephrology Oncology Emergency ICU CCU ED ER Team Ward Unit Department Clinic Hospital Service Patient Name He She They On In At No Nil None Unknown Date Admission Discharge Acute Chronic Left Right History Heart This That These Those It We Our His Her Their Case One Here There Trauma Pediatric Paediatric Rheumatology Dermatology Gastroenterology Endocrinology Haematology Hematology Urology Psychiatry Service'.split(
    ' ',
  ),
);

// Lower-case words that follow "dr" / "mr" in running text without being a name ("dr to review").
const NOT_LOWER_NAMES = new Set(
  'and the for with was who has had her his him she they them this that then than will would should could can may might not now also all any are ask asked aware away back been being but call called came come did does done due during each from gave give given going gone have here how into just keep kept know later let like made make more most much must need needed next note noted off once only onto other our out over own plan please post pre put re review reviewed said saw say says see seen sent set spoke still such team tel thanks that their there these those today told too took under until upon very via visit wants was were what when where which while whom why will wish yet you your'.split(
    ' ',
  ),
);

const MONTH_NAMES = `Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?`;
const MONTH = String.raw`(?:${MONTH_NAMES}|${MONTH_NAMES.toUpperCase()})\.?`;
const DAY = String.raw`(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?`;
const WEEKDAY = `(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,? )?`;
const DATE_TEXT = String.raw`\b${WEEKDAY}(?:${DAY} (?:of )?${MONTH},? \d{4}|${DAY} (?:of )?${MONTH}|${MONTH} ${DAY},? \d{4}|${MONTH} ${DAY}\b|${MONTH},? \d{4})\b`;
const DATE_NUMERIC = String.raw`(?<![\d/.-])\b(?:(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})|(\d{4})([-/.])(\d{1,2})\6(\d{1,2}))\b(?![/.-]?\d)`;

const PHONE_LABEL = String.raw`\b(?:[Tt]el(?:ephone)?|[Pp]hone|[Mm]obile|[Mm]ob|[Cc]ell|[Ff]ax|[Pp]ager|[Bb]leep|[Ee]xt\.|[Cc]ontact (?:number|no))\.?\s*(?:no\.?|number|#)?\s*[:#]?\s*(\+?\(?\d[\d().\s-]{2,17}\d)`;
// Not inside a longer dotted number: "(125.000-350.000)" is a reference range.
const PHONE_SHAPE = String.raw`(?=[+(\d])(?<![\d.,])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)\s?|\b\d{3}[\s.-])\d{3,4}[\s.-]\d{3,4}\b(?![.,]\d)|\b0\d{3,4} ?\d{3} ?\d{3,4}\b|\+\d{1,3}(?: \d{2,8}){2,4}\b`;

const ID_LABEL = String.raw`\b(?:MRN|[Mm]rn|MR#|MR ?No|ACCT|[Aa]cct|[Mm]edical record(?: number| no)?|[Rr]ecord(?: number| no| #)|[Hh]ospital (?:number|no)|[Pp]atient ID|Pt ID|NHS(?: number| no)?|SSN|[Ss]ocial security(?: number)?|[Aa]ccount(?: number| no)?|Acct|[Uu]nit (?:number|no)|[Aa]ccession(?: number| no)?|[Ee]ncounter(?: number| no)?|[Cc]ase (?:number|no)|ID|[Ii]nsurance(?: number| no)?|[Pp]olicy(?: number| no)?|[Mm]ember ID|[Ll]icen[cs]e(?: number| no)?|(?:[Ll]ab )?[Rr]ef(?:erence)?(?: number| no)?|[Ss]erial(?: number| no)?)\.?\s*(?:#\s*)?[:#]?\s*(?:no\.?\s*)?([A-Z]{0,4}[-\s]?\d[\dA-Z]*(?:[-\s]\d[\dA-Z]*){0,3})`;
// Lot and batch numbers identify a product, not a patient ("Lot 1234567890").
const NOT_AFTER_LOT = String.raw`(?<!\b(?:[Ll]ot|LOT|[Bb]atch|BATCH)(?: (?:[Nn]o\.?|[Nn]umber|#))?:? ?)`;
const ID_SHAPE = String.raw`\b\d{3}-\d{2}-\d{4}\b|\b(?=\d{8})${NOT_AFTER_LOT}\d{8,}\b|\b(?=[A-Z]{2,4}\d{6})${NOT_AFTER_LOT}[A-Z]{2,4}\d{6,}[A-Z]?\b`;

const STREET_SUFFIX = `(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Gardens|Grove|Row)`;
const STREET = String.raw`\b\d{1,5}[A-Za-z]?,? (?:(?:[A-Z][a-z]+ ){1,3}${STREET_SUFFIX}|(?:[A-Z]{2,} ){1,3}${STREET_SUFFIX.toUpperCase()})\b\.?(?:,? (?:Apt|Apartment|Suite|Unit|Flat)\.? ?#?\w+)?(?:, (?:[A-Z][a-z]+(?: [A-Z][a-z]+)?|[A-Z]{3,}(?: [A-Z]{3,})?)){0,2}(?:,? [A-Z]{2} \d{5}(?:-\d{4})?)?`;
// A named facility locates the patient as precisely as a street ("Elm Tree Surgery", "St Mary's Hospital").
// "Mayo Clinic criteria", "Cleveland Clinic score": a named method, not a place.
const NOT_A_METHOD = String.raw`(?! (?:criteria|criterion|score|scale|classification|staging|stage|protocol|rule|method|technique|procedure|operation|algorithm|guidelines?|model|index)\b)`;
const FACILITY = String.raw`\b${NAME_WORD}(?: ${NAME_WORD}){0,3} (?:Hospital|Infirmary|Surgery|Medical Practice|Practice|Health Centre|Health Center|Medical Centre|Medical Center|Care Home|Nursing Home|Clinic)\b${NOT_A_METHOD}`;
// "General Surgery", "University Hospital", "Psychiatric Hospital" name a kind of place, not a place.
const GENERIC_FACILITY =
  /^(?:(?:the|General|University|Regional|Clinical|Psychiatric|Children's|Palliative|Care|Geriatric|High|District|Community|Teaching|Military|Private|Public|Provincial|County|Municipal|National|Central|Main|Local|Day|Maternity|Women's|Rehabilitation|Cancer|Eye|Dental|Plastic|Vascular|Digestive|Thoracic|Maxillofacial|Orthotic|Oral|Cardiac|Cardiothoracic|Orthopa?edic|Pa?ediatric|Colorectal|Breast|Hand|Spinal|Transplant|Reconstructive|Bariatric|Endocrine|Minor|Emergency|Ambulatory|Outpatient|Specialist|Referral|Reference|Cardiovascular|Repair|Ongoing|On-going|Major|Trauma|Urological|Gyna?ecological|Oncological|Abdominal|Hepatobiliary|Gastrointestinal|Mental|Health|Rheumatology|Cardiology|Neurology|Dermatology|Oncology|Pain|Sleep|Heart|Chest|Memory|Diabetes|Fertility|Travel|Vaccination) )+\S+$/;
const ADDRESS_LABEL = String.raw`\b(?:(?:[Hh]ome |HOME )?(?:[Aa]ddress|ADDRESS)\s*:|[Rr]esides at|[Ll]ives at)\s*([^\n;.]{4,120})`;
const POSTCODE = String.raw`\b[A-Z]{2} \d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b|\bP\.?O\.? Box \d+\b`;

const AGE = String.raw`\b(?:(?:9\d|1[0-4]\d)(?:[- ](?:years?|yrs?)[- ]old|[- ]?(?:yo|y\/o|y\.o\.)|-year-old)|(?:aged|[Aa]ge:?) (?:9\d|1[0-4]\d)\b)`;

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"')\]]{2,200}/gi;
// IPv4 (four octets 0-255, not part of a longer dotted number or a version string) and full or
// '::'-compressed IPv6.
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IP_PATTERN = new RegExp(
  String.raw`\b(?=\d{1,3}\.\d)(?<![\d.]|\b[vV](?:ersion)? ?)${OCTET}(?:\.${OCTET}){3}\b(?!\.\d)|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b(?=[0-9A-Fa-f]{1,4}:)(?<!:)(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?(?![:\w])`,
  'g',
);

/** Up to `length` characters of the input just before a match (checks a regex lookbehind would make slow). */
export function textBefore(match: RegExpExecArray, length: number): string {
  return match.input.slice(Math.max(0, match.index - length), match.index);
}

export function digitCount(value: string): number {
  let count = 0;
  for (let index = 0; index < value.length; index++)
    if (value.charCodeAt(index) >= 48 && value.charCodeAt(index) <= 57) count++;
  return count;
}

function daysMonthsPlausible(first: number, second: number): boolean {
  return first >= 1 && second >= 1 && first <= 31 && second <= 31 && (first <= 12 || second <= 12);
}

/** One regular-expression detector of an identifier type. */
export interface Detector {
  readonly type: PhiType;
  readonly pattern: RegExp;
  /** Which capture group holds the identifier (0: the whole match). */
  readonly group: number;
  readonly accept?: (match: RegExpExecArray) => boolean;
}

export const DETECTORS: readonly Detector[] = [
  { type: 'URL', pattern: URL_PATTERN, group: 0 },
  { type: 'IP', pattern: IP_PATTERN, group: 0 },
  { type: 'NAME', pattern: new RegExp(TITLE, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(UPPER_TITLE, 'gu'), group: 1 },
  {
    type: 'NAME',
    pattern: new RegExp(LOWER_TITLE, 'gu'),
    group: 1,
    accept: (match) => !NOT_LOWER_NAMES.has(match[1]!),
  },
  { type: 'NAME', pattern: new RegExp(UPPER_LABEL, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(NAME_AGE_SEX, 'gmu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(NAME_LABEL, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(CREDENTIAL, 'gu'), group: 1 },
  // "a nodule of the sister Joseph" is the Sister Mary Joseph nodule, not a relative.
  {
    type: 'NAME',
    pattern: new RegExp(KIN, 'gmu'),
    group: 1,
    accept: (match) => !textBefore(match, 10).endsWith('nodule of '),
  },
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
        : Number(match[7]) <= 12 && Number(match[8]) <= 31,
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

/** Detectors of one language beyond the English ones, and the capitalised words that are not names. */
export interface LanguageRules {
  readonly detectors: readonly Detector[];
  readonly notNames: ReadonlySet<string>;
}

const PARTICLE_WORD =
  /^(?:[Vv][ao]n|[Dd]e[lnr]?|[Dd][aiu]|[Ll][ae]|[Ll]os|[Ll]as|[Dd]os|[Dd]as|[Tt]er|[Tt]en|y|i)$/;

/** "JOHN" → "John", so an upper-case name is checked against the same stop list. */
function capitalized(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

/**
 * The length of the name at the start of `value`: it ends before a word that is not a name ("Ramón
 * Ortega del Centro de Salud" → "Ramón Ortega") and never with a lower-case particle.
 */
function nameLength(value: string, notName: (word: string) => boolean): number {
  const words = value.split(' ');
  let count = words.findIndex((word, index) => index > 0 && notName(word));
  if (count === -1) count = words.length;
  while (count > 1 && /^\p{Ll}/u.test(words[count - 1]!)) count--;
  return words.slice(0, count).join(' ').length;
}

/**
 * Runs every detector of `types` over `text` (the English ones, then those of `language`) and returns
 * the raw, possibly overlapping candidates.
 */
export function findPhiCandidates(
  text: string,
  types: ReadonlySet<PhiType>,
  language?: LanguageRules,
): PhiCandidate[] {
  const candidates: PhiCandidate[] = [];
  if (types.has('EMAIL')) findEmails(text, candidates);
  const notName = (word: string) =>
    NOT_NAMES.has(word) ||
    NOT_NAMES.has(capitalized(word)) ||
    (language?.notNames.has(word) ?? false) ||
    (language?.notNames.has(capitalized(word)) ?? false);
  for (const detector of language === undefined ? DETECTORS : [...DETECTORS, ...language.detectors]) {
    if (!types.has(detector.type)) continue;
    const pattern = detector.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const value = match[detector.group];
      if (value === undefined || (detector.accept !== undefined && !detector.accept(match))) continue;
      // "De la Fuente", "van der Berg": the stop list applies to the first word after the particles.
      if (
        detector.type === 'NAME' &&
        notName(value.split(' ').find((word) => !PARTICLE_WORD.test(word)) ?? value)
      )
        continue;
      const start = match.index + (detector.group === 0 ? 0 : match[0].lastIndexOf(value));
      let end = start + (detector.type === 'NAME' ? nameLength(value, notName) : value.length);
      // A URL or free-text address does not end with sentence punctuation.
      while (end > start && /[.,;:]/.test(text[end - 1]!) && detector.type !== 'NAME') end--;
      if (end > start) candidates.push({ start, end, type: detector.type });
    }
  }
  return candidates;
}
