import { describe, expect, it } from 'vitest';
import { htmlToReadableText, sanitizeMailHtml } from '../src/html.ts';

describe('html helpers', () => {
  it('converts HTML to readable text and sanitises it', () => {
    expect(
      htmlToReadableText('<p>Hi <a href="https://a.example/x">https://a.example/x</a></p><p>Bye</p>'),
    ).toBe('Hi https://a.example/x\n\nBye');
    expect(
      htmlToReadableText(
        '<p>See <a href="https://a.example/x">the portal</a> <img src="x.png" alt="logo"></p>',
      ),
    ).toBe('See the portal');
    expect(htmlToReadableText('<h2>Status</h2><ul><li>one</li><li>two</li></ul>')).toBe(
      'Status\n\n * one\n * two',
    );
    expect(htmlToReadableText('<blockquote>old</blockquote><p>new</p>')).toContain('> old');
    expect(sanitizeMailHtml('<p onclick="x()">a<script>b</script><img src="cid:i1"></p>')).toBe(
      '<p>a<img src="cid:i1" /></p>',
    );
  });
});
