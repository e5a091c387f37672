import { replaceControlChars } from './charset.ts';

/** File names and content types of attachments. */

const EXT_BY_TYPE: Record<string, string> = {
  'text/plain': 'txt',
  'text/html': 'html',
  'text/csv': 'csv',
  'text/calendar': 'ics',
  'text/enriched': 'txt',
  'text/richtext': 'rtf',
  'text/rfc822-headers': 'txt',
  'text/xml': 'xml',
  'text/x-vcard': 'vcf',
  'text/vcard': 'vcf',
  'message/rfc822': 'eml',
  'message/global': 'eml',
  'message/delivery-status': 'txt',
  'message/global-delivery-status': 'txt',
  'message/disposition-notification': 'txt',
  'message/global-headers': 'txt',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/pjpeg': 'jpg',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'image/svg+xml': 'svg',
  'image/heic': 'heic',
  'audio/basic': 'au',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/avi': 'avi',
  'video/mpeg': 'mpg',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/json': 'json',
  'application/xml': 'xml',
  'application/rtf': 'rtf',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/x-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.ms-outlook': 'msg',
  'application/ms-tnef': 'dat',
  'application/vnd.ms-tnef': 'dat',
  'application/pgp-signature': 'asc',
  'application/pgp-encrypted': 'asc',
  'application/pkcs7-signature': 'p7s',
  'application/x-pkcs7-signature': 'p7s',
  'application/pkcs7-mime': 'p7m',
  'application/x-pkcs7-mime': 'p7m',
  'application/mac-binhex40': 'hqx',
  'application/ics': 'ics',
  'application/octet-stream': 'bin',
};

const TYPE_BY_EXT: Record<string, string> = {};
for (const [type, ext] of Object.entries(EXT_BY_TYPE)) {
  if (!(ext in TYPE_BY_EXT) && !type.startsWith('message/') && type !== 'text/enriched')
    TYPE_BY_EXT[ext] = type;
}
Object.assign(TYPE_BY_EXT, {
  txt: 'text/plain',
  jpeg: 'image/jpeg',
  htm: 'text/html',
  eml: 'message/rfc822',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  log: 'text/plain',
  dat: 'application/octet-stream',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  '7z': 'application/x-7z-compressed',
  rar: 'application/vnd.rar',
  exe: 'application/octet-stream',
});

export function extensionFor(contentType: string): string {
  const type = contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  const known = EXT_BY_TYPE[type];
  if (known) return known;
  const sub = type.split('/')[1] ?? '';
  const m = /^(?:x-)?([a-z0-9]{2,5})$/.exec(sub);
  return m?.[1] ?? 'bin';
}

export function contentTypeFor(filename: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  return TYPE_BY_EXT[ext] ?? 'application/octet-stream';
}

/**
 * A file name safe to store and show: no directories, no control characters, no leading dots,
 * at most 200 characters (extension kept). Empty when nothing usable is left.
 */
export function safeFilename(name: string | null | undefined): string {
  if (!name) return '';
  let s = replaceControlChars(String(name), '').replace(/\\/g, '/');
  s = (s.split('/').pop() ?? '').replace(/^[\s.]+/, '').trim();
  if (s.length > 200) {
    const ext = /\.[A-Za-z0-9]{1,10}$/.exec(s)?.[0] ?? '';
    s = s.slice(0, 200 - ext.length) + ext;
  }
  return s;
}
