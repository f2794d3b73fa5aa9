import { type Detector, digitCount, type LanguageRules, NAME_WORD } from './phi-patterns.js';

// Spanish clinical notes (CodiEsp case reports, Spanish discharge reports). The same linear-pattern rule
// as the English detectors: quantified groups are separated by a required character.

// Surnames joined by particles: "García López", "Ruiz de la Fuente", "Sánchez y Pérez".
const ES_PARTICLE = `(?:de(?: la| los| las)?|del|y|i)`;
// Initials count as a name after a title or label: "Paciente H.V.P.D.", "Sra. T.P.".
const ES_NAMES = String.raw`(?:(?:\p{Lu}\. ?){2,5}(?!\p{Ll})|(?:De (?:la |los |las )?|Del )?${NAME_WORD}(?: (?:${ES_PARTICLE} )?${NAME_WORD}){0,3})`;
const ES_TITLE = String.raw`\b(?=[DSP])(?<!\d ?)(?:Dr|Dra|Doctor|Doctora|Sr|Sra|Srta|Señor|Señora|Señorita|D|Dª|Dña|Don|Doña|Prof|Profa|Profesor|Profesora)(?:\. ?| )(${ES_NAMES})`;
const ES_LABEL = String.raw`\b(?:[Pp]aciente|PACIENTE|[Nn]ombre(?: y apellidos| del paciente)?|NOMBRE|[Ff]irmado(?: por)?|[Ff]irma|[Mm]édico(?: responsable| de atención primaria| de familia| adjunto| residente)?|[Ff]acultativo(?: responsable)?|[Ee]nfermer[ao]|[Rr]esidente|[Cc]irujan[ao]|[Cc]ardiólog[ao]|[Aa]djunt[ao]|[Aa]compañante|[Ff]amiliar(?: de contacto)?|[Pp]ersona de contacto|[Cc]ontacto|[Rr]emitid[ao] por|[Vv]alorad[ao] por|[Aa]tendid[ao] por|[Rr]ealizado por|[Ii]nformado por|[Dd]ictado por|[Rr]evisado por|[Ii]ntérprete|[Tt]écnic[ao]|[Ff]isioterapeuta|[Tt]rabajador(?:a)? social)\s*[:\-–]?\s*(${ES_NAMES})`;
const ES_KIN_WORD = `(?:esposa|esposo|marido|mujer|hija|hijo|hijas|hijos|madre|padre|hermana|hermano|nieta|nieto|sobrina|sobrino|pareja|cuidadora|cuidador|amiga|amigo|vecina|vecino|yerno|nuera|suegra|suegro|prima|primo|tía|tío)`;
// "nódulo de la hermana María José" is the Sister Mary Joseph nodule, not a relative.
const ES_KIN = String.raw`\b(?=[SsLlEe])(?<!nódulo de )(?:[Ss]u|[Ll]a|[Ee]l|[Ss]us) ${ES_KIN_WORD}(?:,| llamad[ao])? \(?(${NAME_WORD}(?: (?:${ES_PARTICLE} )?${NAME_WORD}){0,2})`;
// Capitalised Spanish words that follow a title or label without being a name ("Dr. en Medicina" aside).
const ES_NOT_NAMES = new Set(
  'El La Los Las Lo Un Una Unos Unas Se Su Sus En Con Por Para Al Del De Sin Tras Desde Hasta Según Sobre Entre Ante Bajo No Sí Ni Que Cual Este Esta Estos Estas Ese Esa Aquel Hoy Ayer Mañana Servicio Unidad Hospital Centro Urgencias Cardiología Medicina Interna Cirugía Neurología Nefrología Oncología Radiología Digestivo Neumología Traumatología Pediatría Ginecología Planta Consulta Consultas Equipo Alta Ingreso Fecha Paciente Varón Mujer Hombre Niño Niña Presenta Refiere Acude Ingresa Diagnóstico Tratamiento Antecedentes Exploración Evolución Juicio Clínico Clínica Informe Historia Ninguno Ninguna Desconocido Desconocida Ella Él Ellos Vive Varios Otros Otras Psiquiatría Dermatología Endocrinología Hematología Reumatología Urología Oftalmología Otorrinolaringología Anestesia Anestesiología Rehabilitación Infecciosas Geriatría Alergología Cardiología Microbiología Anatomía Patológica Farmacia Nutrición Endocrino Psicología Odontología Maxilofacial Hepatología Angiología Vascular Torácica'.split(
    ' ',
  ),
);

const ES_MONTH = `(?:[Ee]nero|[Ff]ebrero|[Mm]arzo|[Aa]bril|[Mm]ayo|[Jj]unio|[Jj]ulio|[Aa]gosto|[Ss]e(?:p)?tiembre|[Oo]ctubre|[Nn]oviembre|[Dd]iciembre|ENERO|FEBRERO|MARZO|ABRIL|MAYO|JUNIO|JULIO|AGOSTO|SEPTIEMBRE|OCTUBRE|NOVIEMBRE|DICIEMBRE)`;
const ES_DAY = String.raw`(?:[12]\d|3[01]|0?[1-9])(?:º|°)?`;
// "12 de marzo de 2023", "3 de enero", "marzo de 2022", "1 de mayo del 2020", "12-mar-2023".
const ES_DATE = String.raw`\b(?:${ES_DAY} de ${ES_MONTH}(?: (?:de|del) \d{4})?|${ES_MONTH} (?:de|del) \d{4})\b|\b${ES_DAY}[-/ ](?:ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic|ENE|FEB|MAR|ABR|MAY|JUN|JUL|AGO|SEP|OCT|NOV|DIC)[-/ ]\d{4}\b`;

// Nine-digit Spanish numbers (landlines 8/9, mobiles 6/7) in the usual groupings, with or without +34.
const ES_PHONE = String.raw`(?=\+34|0034|[6789])(?<![\d.,])(?:(?:\+|00)34[\s.-]?)?\b(?:[6789]\d{8}|[6789]\d{2}(?:[\s.-]\d{3}){2}|[6789]\d{2}(?:[\s.-]\d{2}){3}|[89]\d[\s.-]\d{3}(?:[\s.-]\d{2}){2})\b(?![.,]\d)`;
const ES_PHONE_LABEL = String.raw`\b(?:[Tt]el[ée]fono|TEL[ÉE]FONO|[Tt]el|TEL|[Tt]lfn?o?|[Tt]elf|[Mm][óo]vil|M[ÓO]VIL|[Ff]ax|FAX|[Bb]usca)\.?(?: de contacto| móvil| fijo)?\s*[:.]?\s*(\+?\(?\d[\d().\s-]{5,17}\d)`;

// Record numbers: NHC (número de historia clínica), DNI/NIE/NIF, NUSS/NASS, CIP/SIP, tarjeta sanitaria.
const ES_ID_LABEL = String.raw`\b(?:NHC|N\.?H\.?C\.?|[Nn](?:º|°|\.º|o\.?|úm\.?|úmero)(?: de)? (?:historia(?: clínica)?|HC|episodio|afiliación|identificación|paciente)|[Hh]istoria clínica|HC|DNI|D\.N\.I\.|NIE|NIF|NUSS|NASS|CIP|SIP|CIPA|[Tt]arjeta sanitaria|TIS|[Ee]pisodio|[Nn]úmero de (?:historia|episodio|afiliación|la seguridad social))(?![\p{L}\d])\.?\s*(?:n(?:º|°)\.?\s*)?[:#]?\s*([A-Z]{0,4}[-\s]?\d[\dA-Z]*(?:[-\s]\d[\dA-Z]*){0,3})`;
// DNI (8 digits and a check letter) and NIE (X/Y/Z, 7 digits, letter) without a label.
const ES_ID_SHAPE = String.raw`\b\d{8}-?[A-HJ-NP-TV-Z]\b|\b[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z]\b`;

// Street addresses: a street type, its name (capitalised words and particles), a number, then optionally
// floor/door, a postcode and a town.
const ES_STREET_TYPE = String.raw`(?:Calle|CALLE|C\/|Avenida|AVENIDA|Avda\.|Av\.|Paseo|PASEO|Plaza|PLAZA|Pza\.|Camino|Carretera|Ctra\.|Ronda|Travesía|Glorieta|Urbanización|Urb\.|Pasaje|Rambla|Vía)`;
const ES_STREET_WORD = String.raw`(?:(?:de|del|la|las|los|el|y) |\p{Lu}[\p{L}'’-]*\.? )`;
const ES_TOWN = String.raw`\p{Lu}\p{Ll}+(?: (?:de |del |de la )?\p{Lu}\p{Ll}+){0,2}`;
const ES_STREET = String.raw`\b${ES_STREET_TYPE} ?${ES_STREET_WORD}{1,6}(?:n\.?º ?)?\d{1,4}(?: ?[A-Za-z]\b)?(?:,? (?:\d{1,2}(?:º|°|ª) ?(?:[A-Z]\b|\d{1,2}(?:º|°|ª)?)?|[Pp]iso \d{1,2}|[Pp]uerta \w{1,3}|[Bb]ajo|[Ee]sc(?:alera)?\.? \w{1,3})){0,3}(?:,? (?:\d{5} )?${ES_TOWN})?`;
// A five-digit postcode (01-52) followed by a town, after a comma or a label: ", 41001 Sevilla".
const ES_POSTCODE = String.raw`\b(?=[0-5]\d{4} )(?<=, |C\.P\.:? |CP:? |[Cc]ódigo postal:? )(?:0[1-9]|[1-4]\d|5[0-2])\d{3} ${ES_TOWN}`;
const ES_ADDRESS_LABEL = String.raw`\b(?:[Dd]omicilio|DOMICILIO|[Dd]irección|DIRECCIÓN)\s*:\s*([^\n;]{4,120}?)(?=\.(?:\s|$)|[\n;]|$)`;
// Named institutions: "Hospital Universitario La Paz", "Centro de Salud Las Águilas", "Residencia San José".
const ES_FACILITY = String.raw`\b(?:Hospital|Clínica|Centro de Salud|Centro Médico|Centro de Atención Primaria|Complejo Hospitalario|Policlínica|Residencia|Ambulatorio|Consultorio|Sanatorio)(?: (?:${ES_PARTICLE} ){0,2}\p{Lu}[\p{L}'’-]+){1,6}`;
// Words of an institution's name that say what kind of place it is, not which one.
const ES_GENERIC = new Set(
  'de del la las los y i Universitario Universitaria Clínico General Comarcal Provincial Regional Infantil Materno Maternal Psiquiátrico Geriátrico Militar Privado Privada Público Pública Central Nacional Municipal Rural Urbano Médico Médica Quirúrgico Quirúrgica Oncológico Docente Concertado Sociosanitario Sociosanitaria Día Mayores Ancianos Salud Mental Cuidados Paliativos Crónicos Agudos Atención Primaria Hospitalario Hospitalaria Especialidades'.split(
    ' ',
  ),
);

// Ages over 89 (HIPAA Safe Harbor): "93 años", "de 95 años de edad".
const ES_AGE = String.raw`\b(?:9\d|1[0-4]\d) (?:años|AÑOS|a\.)(?! de (?:evolución|tratamiento|seguimiento))`;

/** Accepts a facility name when one of its words is a proper name, not a kind of place. */
function namedFacility(match: RegExpExecArray): boolean {
  const words = match[0].split(' ');
  return words.slice(1).some((word) => !ES_GENERIC.has(word) && !ES_NOT_NAMES.has(word));
}

const SPANISH_DETECTORS: readonly Detector[] = [
  { type: 'NAME', pattern: new RegExp(ES_TITLE, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(ES_LABEL, 'gu'), group: 1 },
  { type: 'NAME', pattern: new RegExp(ES_KIN, 'gu'), group: 1 },
  { type: 'DATE', pattern: new RegExp(ES_DATE, 'gu'), group: 0 },
  {
    type: 'PHONE',
    pattern: new RegExp(ES_PHONE_LABEL, 'gu'),
    group: 1,
    accept: (match) => digitCount(match[1]!) >= 6,
  },
  { type: 'PHONE', pattern: new RegExp(ES_PHONE, 'gu'), group: 0 },
  {
    type: 'ID',
    pattern: new RegExp(ES_ID_LABEL, 'gu'),
    group: 1,
    accept: (match) => digitCount(match[1]!) >= 3,
  },
  { type: 'ID', pattern: new RegExp(ES_ID_SHAPE, 'gu'), group: 0 },
  { type: 'ADDRESS', pattern: new RegExp(ES_STREET, 'gu'), group: 0 },
  { type: 'ADDRESS', pattern: new RegExp(ES_POSTCODE, 'gu'), group: 0 },
  { type: 'ADDRESS', pattern: new RegExp(ES_ADDRESS_LABEL, 'gu'), group: 1 },
  { type: 'ADDRESS', pattern: new RegExp(ES_FACILITY, 'gu'), group: 0, accept: namedFacility },
  { type: 'AGE', pattern: new RegExp(ES_AGE, 'gu'), group: 0 },
];

/** The Spanish rules of `redactPhi({ language: 'es' })`, run after the English ones. */
export const SPANISH_RULES: LanguageRules = { detectors: SPANISH_DETECTORS, notNames: ES_NOT_NAMES };
