import { assertOneOf } from '@icd/core';

// scikit-learn 1.2.1 ENGLISH_STOP_WORDS (BSD-3-Clause), the list KeyBERT uses for stop_words="english".
const ENGLISH = `a about above across after afterwards again against all almost alone along already also although always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back be became because become becomes becoming been before beforehand behind being below beside besides between beyond bill both bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find fire first five for former formerly forty found four from front full further get give go had has hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own part per perhaps please put rather re same see seem seemed seeming seems serious several she should show side since sincere six sixty so some somehow someone something sometime sometimes somewhere still such system take ten than that the their them themselves then thence there thereafter thereby therefore therein thereupon these they thick thin third this those though three through throughout thru thus to together too top toward towards twelve twenty two un under until up upon us very via was we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why will with within without would yet you your yours yourself yourselves`;

// Spanish function words (articles, prepositions, pronouns, conjunctions, auxiliaries and common
// adverbs), lower case and without accents as the matcher normalises them.
const SPANISH = `a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas aquellos aqui asi
aun aunque cada como con contra cual cuales cualquier cuando cuanto de del desde donde dos durante e el
ella ellas ello ellos en entre era eran eres es esa esas ese eso esos esta estaba estaban estado estan
estar estas este esto estos estoy fue fueron fui ha habia habian haber han has hasta hay he la las le
les lo los mas me mi mis mientras mismo mucho muy nada ni nos nosotros nuestra nuestro o os otra otras
otro otros para pero poco por porque que quien quienes se sea ser si sido siempre sin sobre solo su sus
tambien tan tanto te tener tenia tiene tienen todo todos tras tu tus u un una unas uno unos usted ya yo
cual segun mediante tras luego despues`;

/**
 * The language of a stop-word list.
 *
 * @example
 * ```ts
 * const language: StopWordLanguage = 'es';
 * ```
 */
export type StopWordLanguage = 'en' | 'es';

const lists: Record<StopWordLanguage, ReadonlySet<string>> = {
  en: new Set(ENGLISH.split(' ')),
  es: new Set(SPANISH.split(/\s+/)),
};

/**
 * The stop words of a language as a set of normalised words: English is scikit-learn's
 * `ENGLISH_STOP_WORDS` (what KeyBERT's `stop_words='english'` uses), Spanish a list of function words.
 *
 * @example
 * ```ts
 * stopWords('es').has('sin'); // true
 * stopWords('en').has('pain'); // false
 * ```
 */
export function stopWords(language: StopWordLanguage): ReadonlySet<string> {
  assertOneOf('stopWords', 'language', language, ['en', 'es'] as const);
  return lists[language];
}
