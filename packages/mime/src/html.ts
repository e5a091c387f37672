import { compile, type SelectorDefinition } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

/** Longest HTML (in characters) converted or sanitised; longer input is cut first. */
export const MAX_HTML_CHARS = 8_000_000;

const skip = (selector: string): SelectorDefinition => ({ selector, format: 'skip' });
const keepCase = (selector: string): SelectorDefinition => ({
  selector,
  options: { uppercase: false },
});

const convert = compile({
  wordwrap: false,
  preserveNewlines: false,
  decodeEntities: true,
  limits: { maxInputLength: MAX_HTML_CHARS, maxDepth: 400, maxChildNodes: 100_000, ellipsis: '…' },
  // the whole document: broken mail HTML often has text before <body> or after </html>
  baseElements: { selectors: [], returnDomByDefault: true },
  selectors: [
    // links are kept as their text (the address is in the sanitised HTML)
    { selector: 'a', options: { ignoreHref: true } },
    skip('img'),
    skip('script'),
    skip('style'),
    skip('head'),
    skip('title'),
    skip('noscript'),
    skip('template'),
    skip('svg'),
    skip('object'),
    skip('iframe'),
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map(keepCase),
    { selector: 'table', format: 'block' },
    { selector: 'tbody', format: 'block' },
    { selector: 'thead', format: 'block' },
    { selector: 'tfoot', format: 'block' },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'th', format: 'inline' },
    { selector: 'td', format: 'inline' },
    { selector: 'hr', format: 'horizontalLine', options: { length: 20 } },
  ],
});

/** Crude fallback when the converter gives up: tags dropped, common entities decoded. */
function stripTags(html: string): string {
  return html
    .replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&amp;/gi, '&');
}

/** Tidies converted text: no trailing spaces, at most one blank line in a row. */
function tidy(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * HTML as readable plain text: block structure kept as line breaks, links kept as their text,
 * images, scripts and styles dropped, headings not upper-cased, no word wrapping, lists as "* item",
 * blockquotes as "> " lines (so quoted history can be trimmed). Table cells on a row are separated
 * by spaces.
 */
export function htmlToReadableText(html: string): string {
  const input = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  try {
    // insert a separator between adjacent table cells, which html-to-text would otherwise glue
    return tidy(convert(input.replace(/<\/t([dh])\s*>/gi, ' </t$1>')));
  } catch {
    return tidy(stripTags(input));
  }
}

const CSS_SAFE = [/^[#a-zA-Z0-9 ,.%()-]+$/];

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    'img',
    'font',
    'center',
    'span',
    'u',
    's',
    'strike',
    'del',
    'ins',
    'sub',
    'sup',
    'small',
    'big',
  ],
  disallowedTagsMode: 'discard',
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'title',
    'head',
    'xml',
    'template',
    'svg',
  ],
  allowedAttributes: {
    a: ['href', 'name', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    font: ['color', 'size', 'face'],
    table: ['border', 'cellpadding', 'cellspacing', 'width', 'align'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width', 'scope'],
    '*': ['style', 'align', 'dir', 'lang'],
  },
  allowedStyles: {
    '*': {
      color: CSS_SAFE,
      'background-color': CSS_SAFE,
      'font-weight': CSS_SAFE,
      'font-style': CSS_SAFE,
      'font-size': CSS_SAFE,
      'text-decoration': CSS_SAFE,
      'text-align': CSS_SAFE,
      'white-space': CSS_SAFE,
    },
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'http', 'https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' },
    }),
  },
};
// rel/target are added by the transform, so let them through
(SANITIZE_OPTIONS.allowedAttributes as Record<string, string[]>).a?.push('rel', 'target');

/**
 * HTML safe to show a person: scripts, styles, event handlers, forms, frames and active URL schemes
 * removed; images may point at `cid:` (the caller maps those to stored attachments), http(s) or
 * data: URLs; links open in a new window without referrer.
 */
export function sanitizeMailHtml(html: string): string {
  const input = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  try {
    return sanitizeHtml(input, SANITIZE_OPTIONS).trim();
  } catch {
    return escapeHtml(stripTags(input));
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
