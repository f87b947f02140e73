#!/usr/bin/env node
// Keeps the layers apart (house style): vmcore imports nothing from the other top-level folders;
// devices imports only vmcore; clients imports only the proto (and its own files); server may
// compose them all. Fails with the offending import lines.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const allowed = {
  vmcore: ['vmcore'],
  devices: ['vmcore', 'devices'],
  clients: ['clients', 'proto'],
  server: ['server', 'vmcore', 'devices', 'proto'],
};
const layers = ['vmcore', 'devices', 'clients', 'server', 'proto', 'test', 'bench', 'scripts'];

function* files(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.(ts|js)$/.test(e.name)) yield p;
  }
}

let bad = 0;
for (const [layer, ok] of Object.entries(allowed)) {
  const dir = path.join(root, layer);
  if (!fs.existsSync(dir)) continue;
  for (const f of files(dir)) {
    const src = fs.readFileSync(f, 'utf8');
    const re = /(?:import[^'"]*from\s*|require\(\s*|import\(\s*)['"](\.[^'"]+)['"]/g;
    let m;
    while ((m = re.exec(src))) {
      const target = path.relative(root, path.resolve(path.dirname(f), m[1]));
      const top = target.split(path.sep)[0];
      if (layers.includes(top) && !ok.includes(top)) {
        console.error(`${path.relative(root, f)}: ${layer} may not import ${top} (${m[1]})`);
        bad++;
      }
    }
  }
}
if (bad) process.exit(1);
console.log('layers ok');
