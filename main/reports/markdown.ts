// The user's report notes (Markdown) as HTML: markdown-it with raw HTML escaped, so a note can never inject a script.
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

// Links stay clickable but open outside the report and never carry the report's address along.
const defaultLink = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('rel', 'noreferrer noopener');
  tokens[idx].attrSet('target', '_blank');
  return defaultLink(tokens, idx, options, env, self);
};
// Images would be fetched from the network when the report opens, which a self-contained report must never do.
md.disable('image');

export function markdownToHtml(text: string): string {
  return md.render(text);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
