// Reads .bib files with citation-js and prints, as JSON, how many entries it read and which
// entries with an arXiv eprint lost the id (no arXiv URL, arXiv DOI or "arXiv:<id>" left).
const fs = require('fs');
const { Cite } = require('@citation-js/core');
require('@citation-js/plugin-bibtex');

function read(path) {
const text = fs.readFileSync(path, 'utf8');
const eprints = {};
for (const m of text.matchAll(/@\w+\{([^,\s]+),[\s\S]*?\n\}/g)) {
  const e = m[0].match(/\n\s*eprint = \{([^}]+)\}/);
  if (e) eprints[m[1]] = e[1];
}
const items = new Cite(text).data;
const lost = items
  .filter((item) => eprints[item.id])
  .filter((item) => {
    const id = eprints[item.id];
    const s = JSON.stringify([item.URL, item.DOI, item.number, item.note]);
    return !(s.includes(`arxiv.org/abs/${id}`) || s.toLowerCase().includes(`10.48550/arxiv.${id}`) || s.includes(`arXiv:${id}`));
  })
  .map((item) => item.id);
return { entries: items.length, eprints: Object.keys(eprints).length, lost };
}

const out = {};
for (const path of process.argv.slice(2)) out[path] = read(path);
console.log(JSON.stringify(out));
