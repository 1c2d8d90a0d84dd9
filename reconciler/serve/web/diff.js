// A line diff for the page (prompt edits): the longest common subsequence of the two texts'
// lines, as [kind, line] pairs where kind is " " (kept), "-" (removed) or "+" (added).
// Prompts are short; past LIMIT lines on both sides the diff is the old text then the new.
"use strict";

const DIFF_LIMIT = 2000;

function lineDiff(before, after) {
  const a = before === null || before === undefined ? [] : String(before).split("\n");
  const b = after === null || after === undefined ? [] : String(after).split("\n");
  if (a.length * b.length > DIFF_LIMIT * DIFF_LIMIT) {
    return [...a.map((l) => ["-", l]), ...b.map((l) => ["+", l])];
  }
  // table[i][j]: length of the longest common subsequence of a[i:] and b[j:]
  const table = Array.from({length: a.length + 1}, () => new Int32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1
        : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { out.push([" ", a[i]]); i++; j++; }
    else if (table[i + 1][j] >= table[i][j + 1]) { out.push(["-", a[i]]); i++; }
    else { out.push(["+", b[j]]); j++; }
  }
  while (i < a.length) out.push(["-", a[i++]]);
  while (j < b.length) out.push(["+", b[j++]]);
  return out;
}

window.lineDiff = lineDiff;
