'use strict';

// Reads a 64-bit Windows DLL (PE32+): CPU, whether it is a DLL, the DLLs it
// imports (plain and delay-loaded) and the names it exports. What Windows
// Node.js needs of an addon: only system DLLs, and napi_register_module_v1.

const fs = require('fs');

const MACHINE = { 0x8664: 'x64', 0xaa64: 'arm64' };
const IMAGE_FILE_DLL = 0x2000;
const PE32_PLUS = 0x20b;
const DIR = { EXPORT: 0, IMPORT: 1, DELAY_IMPORT: 13 };

function describePE(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 64 || buf.toString('latin1', 0, 2) !== 'MZ') throw new Error(`${file} is not a PE file`);
  const pe = buf.readUInt32LE(0x3c);
  if (buf.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error(`${file} has no PE header`);
  const coff = pe + 4;
  const machine = buf.readUInt16LE(coff);
  const sectionCount = buf.readUInt16LE(coff + 2);
  const optionalSize = buf.readUInt16LE(coff + 16);
  const characteristics = buf.readUInt16LE(coff + 18);
  const optional = coff + 20;
  if (buf.readUInt16LE(optional) !== PE32_PLUS) throw new Error(`${file} is not PE32+`);
  const directory = (index) => ({
    rva: buf.readUInt32LE(optional + 112 + index * 8),
    size: buf.readUInt32LE(optional + 112 + index * 8 + 4),
  });
  const sections = [];
  for (let i = 0; i < sectionCount; i++) {
    const s = optional + optionalSize + i * 40;
    sections.push({
      name: buf.toString('latin1', s, s + 8).replace(/\0+$/, ''),
      rva: buf.readUInt32LE(s + 12),
      size: Math.max(buf.readUInt32LE(s + 8), buf.readUInt32LE(s + 16)),
      raw: buf.readUInt32LE(s + 20),
    });
  }
  const offset = (rva) => {
    const s = sections.find((sec) => rva >= sec.rva && rva < sec.rva + sec.size);
    if (!s) throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
    return rva - s.rva + s.raw;
  };
  const name = (rva) => {
    const start = offset(rva);
    return buf.toString('latin1', start, buf.indexOf(0, start));
  };

  const exports = [];
  const exp = directory(DIR.EXPORT);
  if (exp.rva) {
    const e = offset(exp.rva);
    const names = offset(buf.readUInt32LE(e + 32));
    for (let i = 0; i < buf.readUInt32LE(e + 24); i++) exports.push(name(buf.readUInt32LE(names + i * 4)));
  }

  // Import descriptors are 20 bytes with the DLL name's RVA at +12; delay
  // import descriptors are 32 bytes with it at +4. Both lists end with zeros.
  // A DLL can appear more than once (Rust's raw-dylib imports get their own
  // descriptors) and in any case: names are listed once, in lower case.
  const dlls = (dir, stride, nameAt) => {
    const out = [];
    const { rva } = directory(dir);
    for (let d = rva && offset(rva); rva; d += stride) {
      const nameRva = buf.readUInt32LE(d + nameAt);
      if (!nameRva) break;
      out.push(name(nameRva).toLowerCase());
    }
    return [...new Set(out)].sort();
  };

  return {
    file,
    bytes: buf.length,
    arch: MACHINE[machine] ?? `machine 0x${machine.toString(16)}`,
    dll: (characteristics & IMAGE_FILE_DLL) !== 0,
    imports: dlls(DIR.IMPORT, 20, 12),
    delayImports: dlls(DIR.DELAY_IMPORT, 32, 4),
    exports: exports.sort(),
    sections: sections.map((s) => s.name),
  };
}

module.exports = { describePE };
