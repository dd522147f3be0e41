// Shared pieces of the views: tables, error boxes, the confirmation dialog every operation goes through.
import { useEffect, useRef, useState } from 'preact/hooks';
import { act } from './api.js';
import { html } from './html.js';

const noticeListeners = new Set();

/** Shows a short message in the page's status line (announced to screen readers). */
export function notify(message, kind = 'ok') {
  for (const listener of noticeListeners) listener({ message, kind, at: Date.now() });
}

export function Notices() {
  const [notice, setNotice] = useState(null);
  useEffect(() => {
    noticeListeners.add(setNotice);
    return () => noticeListeners.delete(setNotice);
  }, []);
  useEffect(() => {
    if (!notice) return undefined;
    const timer = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(timer);
  }, [notice]);
  return html`<div class="notices" role="status" aria-live="polite">
    ${notice && html`<p class=${notice.kind === 'ok' ? 'notice' : 'notice notice-failed'}>${notice.message}</p>`}
  </div>`;
}

export function ErrorBox({ children }) {
  return html`<div class="error-box" role="alert">${children}</div>`;
}

export function Missing({ what }) {
  return html`<p class="missing">n/a: ${what}</p>`;
}

/**
 * A data table. `rows` empty shows `empty` (a sentence, not an empty grid): a view never shows a
 * bare empty table.
 */
export function Table({ columns, rows, rowKey, empty = 'Nothing to show.', caption, rowAttrs }) {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="table-wrap" tabindex="0" aria-label=${caption ?? 'table'}>
    <table class="data">
      ${caption && html`<caption>${caption}</caption>`}
      <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.num ? 'num' : ''}>${c.title}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${rowKey(r)} ...${rowAttrs ? rowAttrs(r) : {}}>
        ${columns.map((c) => html`<td class=${`${c.num ? 'num' : ''} ${c.cls ?? ''}`} data-label=${c.title}>${c.cell(r)}</td>`)}
      </tr>`)}</tbody>
    </table>
  </div>`;
}

export function Stats({ items }) {
  return html`<dl class="stats">${items.map(([label, value, cls]) => html`<div class=${cls ?? ''}><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>`;
}

/**
 * A button that asks before it acts: a modal dialog (focus inside, Escape cancels) explaining what
 * will happen; with `typed`, the confirm button stays disabled until that text is typed.
 */
export function ActionButton({ label, title, question, action, fields, typed, danger, done, onResult }) {
  const dialog = useRef(null);
  const [typedText, setTypedText] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const open = () => {
    setError(null);
    setTypedText('');
    dialog.current.showModal();
  };
  const confirm = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await act(action, typed ? { ...fields, confirm: typedText } : fields);
      dialog.current.close();
      notify(done ? done(result) : `${label}: done`);
      onResult?.(result);
    } catch (err) {
      setError(err.message);
      notify(`${label} failed: ${err.message}`, 'failed');
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action">
    <button type="button" class=${danger ? 'danger' : ''} onClick=${open} aria-label=${title ?? label}>${label}</button>
    <dialog ref=${dialog} class="confirm" aria-label=${title ?? label}>
      <form method="dialog" onSubmit=${confirm}>
        <h2>${title ?? label}</h2>
        <p>${question}</p>
        ${typed && html`<label>Type <strong>${typed}</strong> to confirm
          <input name="confirm" autocomplete="off" value=${typedText} onInput=${(e) => setTypedText(e.currentTarget.value)} /></label>`}
        ${error && html`<${ErrorBox}>${error}<//>`}
        <div class="buttons">
          <button type="button" onClick=${() => dialog.current.close()}>Cancel</button>
          <button type="submit" class=${danger ? 'danger confirm-button' : 'confirm-button'} disabled=${busy || (typed && typedText !== typed)}>${label}</button>
        </div>
      </form>
    </dialog>
  </span>`;
}

/**
 * A small form that runs a read-only action (a look-up) and hands `children` the result, the value
 * asked for, and a function that runs the look-up again (after an action changed what it shows).
 */
export function LookupForm({ label, placeholder, action, field, extra = {}, children }) {
  const [value, setValue] = useState('');
  const [state, setState] = useState({});
  const lookUp = async (asked) => {
    setState((s) => ({ ...s, busy: true }));
    try {
      setState({ result: await act(action, { ...extra, [field]: asked }), asked });
    } catch (err) {
      setState({ error: err.message });
    }
  };
  const submit = (event) => {
    event.preventDefault();
    if (value !== '') void lookUp(value);
  };
  return html`<div class="lookup">
    <form onSubmit=${submit}>
      <label>${label} <input value=${value} placeholder=${placeholder} onInput=${(e) => setValue(e.currentTarget.value)} /></label>
      <button type="submit" disabled=${state.busy}>Look up</button>
    </form>
    ${state.error && html`<${ErrorBox}>${state.error}<//>`}
    ${'result' in state && children(state.result, state.asked, () => lookUp(state.asked))}
  </div>`;
}
