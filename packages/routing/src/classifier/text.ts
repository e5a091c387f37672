/**
 * Text normalisation for the ticket classifier. Production tickets arrive raw (mixed case,
 * punctuation, numbers, e-mail addresses, stop-words, accents); the labelled history may already be
 * pre-processed (lower case, letters only, stop-words removed). Both go through the same function so
 * that they meet in the same feature space:
 *
 * - Unicode NFKD with combining marks removed, lower case;
 * - e-mail addresses, URLs and apostrophes inside words (`don't` → `dont`) dropped;
 * - anything but letters (digits and punctuation too) becomes a word break; letters of any
 *   script are kept;
 * - one-letter words and English stop-words are dropped.
 */

/**
 * English stop-words (the usual NLTK list plus common contraction leftovers). Words that carry
 * meaning for IT tickets (`not`, `no`, `cannot`, `off`, `on`, `up`, `down`, `out`) are kept.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her ' +
    'hers herself it its itself they them their theirs themselves what which who whom this that these ' +
    'those am is are was were be been being have has had having do does did doing an the and but if ' +
    'or because as until while of at by for with about against between into through during before ' +
    'after above below to from in over under again further then once here there when where why how ' +
    'all any both each few more most other some such nor only own same so than too very can will just ' +
    'should now ll re ve don dont doesnt didnt isnt arent wasnt werent im ive id youre youve youll ' +
    'hes shes its weve theyre theyve wont wouldnt shouldnt couldnt would could shall may might must'
  ).split(' '),
);

const EMAIL_OR_URL = /\S+@\S+|\b(?:https?:\/\/|www\.)\S+/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const APOSTROPHE_IN_WORD = /(\p{L})['’](?=\p{L})/gu;
const NON_LETTERS = /[^\p{L}]+/u;

/** Normalised tokens of `text`, in order (see the module comment). */
export function tokenise(text: string): string[] {
  const cleaned = text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(EMAIL_OR_URL, ' ')
    .replace(APOSTROPHE_IN_WORD, '$1');
  const tokens: string[] = [];
  for (const word of cleaned.split(NON_LETTERS)) {
    if (word.length > 1 && !STOP_WORDS.has(word)) tokens.push(word);
  }
  return tokens;
}
