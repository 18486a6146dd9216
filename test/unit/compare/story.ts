// A few KB of simple generated sentences in paragraphs: enough structure for a tiny model to learn something in seconds.

export function storyText(paragraphs = 60): string {
  const subjects = ['the cat', 'a dog', 'the king', 'my friend', 'the old man', 'a young girl'];
  const verbs = ['sees', 'loves', 'finds', 'follows', 'helps', 'calls'];
  const objects = ['the ball', 'a bird', 'the queen', 'her brother', 'the house', 'a tree'];
  // a fixed linear congruential sequence, so every test run reads the same text
  let seed = 11;
  const pick = <T>(xs: T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return xs[seed % xs.length];
  };
  return Array.from({ length: paragraphs }, () => Array.from({ length: 3 }, () => {
    const s = `${pick(subjects)} ${pick(verbs)} ${pick(objects)}.`;
    return s[0].toUpperCase() + s.slice(1);
  }).join(' ')).join('\n\n');
}
