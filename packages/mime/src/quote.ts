/**
 * Trims quoted history from the text of a reply, keeping what the person wrote now (pure).
 *
 * Cut at the first of: an attribution line ("On <date>, <name> wrote:", also wrapped over up to
 * four lines, and the German, French, Spanish, Italian, Dutch, Portuguese, Scandinavian and Polish
 * forms), an "-----Original Message-----" line (and translations), an Outlook "From: / Sent: / To: /
 * Subject:" header block (also localised), a "________" separator, the "-- " signature delimiter,
 * or a "Sent from my iPhone"-style mobile signature. Remaining lines starting with ">" (interleaved
 * quotes) are dropped. If nothing would be left, the original text (trimmed) is returned.
 */

const ORIGINAL_MESSAGE =
  /^[ \t]*-{2,}[ \t]*(original message|original-nachricht|urspr[üu]ngliche nachricht|message d'origine|message original|mensaje original|messaggio originale|oorspronkelijk bericht|originalmeddelande|opprinnelig melding|oprindelig meddelelse|mensagem original|wiadomo[śs][ćc] oryginalna|alkuper[äa]inen viesti)[ \t]*-{2,}[ \t]*$/i;

const SEPARATOR = /^[ \t]*_{10,}[ \t]*$/;
const SIGNATURE = /^-- ?$/;
const MOBILE_SIGNATURE =
  /^[ \t]*(sent from my (iphone|ipad|android|mobile|blackberry|samsung|galaxy|smartphone|phone)[^\n]*|sent from (outlook|mail) for (ios|android|windows)[^\n]*|von meinem (iphone|ipad|android-ger[äa]t|smartphone|mobilger[äa]t|handy) gesendet|gesendet von meinem (iphone|ipad|android-ger[äa]t|smartphone)[^\n]*|envoy[ée] de mon (iphone|ipad|smartphone|mobile)[^\n]*|enviado desde mi (iphone|ipad|android|m[oó]vil)[^\n]*|inviato da (iphone|ipad|android)[^\n]*)[ \t]*$/i;

/** Attribution lines, checked against one line or a few joined lines. */
const ATTRIBUTION: RegExp[] = [
  /^[ \t]*on\b.{3,300}\bwrote:?[ \t]*$/i, // On Tue, 3 Jun 2025 at 10:00, Jane <j@x> wrote:
  /^[ \t]*am\b.{3,300}\bschrieb\b.{0,200}:[ \t]*$/i, // Am 03.06.2025 um 10:00 schrieb Max <m@x>:
  /^[ \t]*le\b.{3,300}\ba [ée]crit[ \t\u00a0]*:[ \t]*$/i, // Le 3 juin 2025 à 10:00, Jean <j@x> a écrit :
  /^[ \t]*el\b.{3,300}\bescribi[óo][ \t]*:[ \t]*$/i,
  /^[ \t]*il\b.{3,300}\bha scritto[ \t]*:[ \t]*$/i,
  /^[ \t]*op\b.{3,300}\bschreef\b.{0,200}:[ \t]*$/i,
  /^[ \t]*em\b.{3,300}\bescreveu[ \t]*:[ \t]*$/i,
  /^[ \t]*den\b.{3,300}\bskrev\b.{0,200}:[ \t]*$/i,
  /^[ \t]*w dniu\b.{3,300}\bnapisa[łl]\b.{0,100}:[ \t]*$/i,
  /^[ \t]*.{1,200}<[^<>\s]+@[^<>\s]+>[ \t]+(wrote|schrieb|a [ée]crit|escribi[óo]|ha scritto|schreef|skrev|kirjoitti|napisa[łl]):[ \t]*$/i,
];

/** "Jane Doe wrote:" and the like: only an attribution when a quoted line follows. */
const WEAK_ATTRIBUTION =
  /^[ \t]*.{1,120}\b(wrote|writes|schrieb|a [ée]crit|escribi[óo]|ha scritto|schreef|skrev|kirjoitti|napisa[łl])[ \t\u00a0]*:[ \t]*$/i;

/** Outlook header block: From/Von/De ... with Sent/Date and Subject within the next lines. */
const HDR_FROM = /^[ \t]*\*?(from|von|de|van|fr[åa]n|da|od|fra|lähettäjä)[ \t]*:\*?[ \t]*\S/i;
const HDR_SENT =
  /^[ \t]*\*?(sent|date|gesendet|datum|envoy[ée]|date d'envoi|enviado|fecha|inviato|data|verzonden|skickat|sendt|wys[łl]ano|l[äa]hetetty)[ \t]*:\*?/i;
const HDR_SUBJECT =
  /^[ \t]*\*?(subject|betreff|objet|asunto|oggetto|onderwerp|[äa]mne|emne|temat|aihe)[ \t]*:\*?/i;

function isHeaderBlock(lines: string[], i: number): boolean {
  if (!HDR_FROM.test(lines[i] ?? '')) return false;
  let sent = false;
  let subject = false;
  for (let k = i + 1; k < Math.min(lines.length, i + 8); k += 1) {
    const line = lines[k] ?? '';
    if (HDR_SENT.test(line)) sent = true;
    if (HDR_SUBJECT.test(line)) subject = true;
  }
  return sent && subject;
}

function isAttribution(lines: string[], i: number): number {
  // returns how many lines the attribution spans (0 if none)
  for (let span = 1; span <= 4 && i + span <= lines.length; span += 1) {
    const joined = lines
      .slice(i, i + span)
      .map((l) => l.trim())
      .join(' ');
    if (span > 1 && (lines[i + span - 1] ?? '').trim() === '') break;
    if (joined.length > 400) break;
    if (ATTRIBUTION.some((re) => re.test(joined))) return span;
    if (WEAK_ATTRIBUTION.test(joined)) {
      const next = lines.slice(i + span).find((l) => l.trim() !== '');
      if (next?.trimStart().startsWith('>')) return span;
    }
  }
  return 0;
}

const FORWARD_MARKER =
  /^[ \t]*(-{3,}[ \t]*(forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht)[ \t]*-{3,}|begin forwarded message:|anfang der weitergeleiteten nachricht:)/i;

export function trimQuotedReply(text: string): string {
  const original = text.replace(/\r\n?/g, '\n');
  const lines = original.split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (FORWARD_MARKER.test(line)) break; // a forwarded message is content, not quoted history
    if (
      ORIGINAL_MESSAGE.test(line) ||
      SIGNATURE.test(line) ||
      MOBILE_SIGNATURE.test(line) ||
      (SEPARATOR.test(line) && (HDR_FROM.test(lines[i + 1] ?? '') || HDR_FROM.test(lines[i + 2] ?? ''))) ||
      isHeaderBlock(lines, i)
    ) {
      cut = i;
      break;
    }
    if (!line.trimStart().startsWith('>') && isAttribution(lines, i) > 0) {
      cut = i;
      break;
    }
  }
  const kept = lines
    .slice(0, cut)
    .filter((l) => !/^[ \t]*>/.test(l))
    .join('\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return kept === '' ? original.trim() : kept;
}
