// Table rendering. Cells carry the exact API value in data-exact (what tests compare with the
// database); the text is rounded for reading.
export function fmt(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return String(v);
}

export function table(id, columns, rows, rowAttrs = () => ({})) {
  const t = document.getElementById(id);
  const head = document.createElement('tr');
  for (const c of columns) {
    const th = document.createElement('th');
    th.textContent = c.title || c.field;
    head.append(th);
  }
  t.tHead.replaceChildren(head);
  const body = rows.map(r => {
    const tr = document.createElement('tr');
    for (const [k, v] of Object.entries(rowAttrs(r))) tr.setAttribute(k, v);
    for (const c of columns) {
      const td = document.createElement('td');
      const v = c.get ? c.get(r) : r[c.field];
      td.dataset.field = c.field;
      td.dataset.exact = v === null || v === undefined ? '' : String(v);
      if (typeof v !== 'number') td.className = 'text';
      td.textContent = fmt(v);
      tr.append(td);
    }
    return tr;
  });
  t.tBodies[0].replaceChildren(...body);
}

export function configLabel(r) {
  return `${r.model}/${r.preset} ${r.platform} ${r.runtime} ${r.precision} ${r.mode} b${r.batch}`;
}

export function fillSelect(select, values, current, allLabel = 'all') {
  const opts = [['', allLabel], ...values.map(v => Array.isArray(v) ? v : [String(v), String(v)])];
  select.replaceChildren(...opts.map(([value, text]) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    return o;
  }));
  select.value = opts.some(([v]) => v === current) ? current : '';
}
