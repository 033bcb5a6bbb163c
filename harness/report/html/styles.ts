/** The report's stylesheet, inlined: the page must work offline, so no font or stylesheet is fetched. */
export const STYLES = `
:root { --fg:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --card:#fff; --pass:#15803d; --pass-bg:#dcfce7; --fail:#b91c1c; --fail-bg:#fee2e2; --partial:#a16207; --partial-bg:#fef9c3; --accent:#2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 64px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
a { color: var(--accent); }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 16px; margin: 32px 0 10px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
h4 { margin: 18px 0 8px; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.muted { color: var(--muted); }
.bad { color: var(--fail); font-weight: 600; }
.header { display: flex; gap: 24px; align-items: center; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 20px 24px; box-shadow: 0 1px 2px rgba(15,23,42,.05); }
.header.fail { border-left: 6px solid var(--fail); }
.header.pass { border-left: 6px solid var(--pass); }
.verdict { font-size: 28px; font-weight: 800; letter-spacing: .04em; padding: 6px 18px; border-radius: 10px; }
.verdict.pass { color: var(--pass); background: var(--pass-bg); }
.verdict.fail { color: var(--fail); background: var(--fail-bg); }
.header .sub { color: var(--muted); margin-top: 2px; }
.totals { display: flex; gap: 22px; margin-left: auto; }
.total { text-align: right; }
.total b { display: block; font-size: 22px; line-height: 1.1; }
.total span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
table.parity { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 12px; overflow: hidden; }
.parity th, .parity td { text-align: left; vertical-align: top; padding: 9px 12px; border-bottom: 1px solid var(--line); }
.parity th { background: #f1f5f9; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.parity tr:last-child td { border-bottom: none; }
.parity ul { margin: 0; padding-left: 18px; }
.parity td.id { white-space: nowrap; }
.pill { display: inline-block; min-width: 58px; text-align: center; font-weight: 700; font-size: 12px; padding: 2px 8px; border-radius: 999px; letter-spacing: .04em; }
.pill.pass, .pill.PASS { color: var(--pass); background: var(--pass-bg); }
.pill.fail, .pill.FAIL { color: var(--fail); background: var(--fail-bg); }
.pill.PARTIAL, .pill.partial { color: var(--partial); background: var(--partial-bg); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { text-decoration: none; color: var(--fg); background: var(--card); border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px 2px 8px; font-size: 12.5px; }
.chip::before { content: "●"; margin-right: 5px; }
.chip.pass::before { color: var(--pass); }
.chip.fail { border-color: #fca5a5; }
.chip.fail::before { color: var(--fail); }
details.scenario { background: var(--card); border: 1px solid var(--line); border-radius: 12px; margin: 10px 0; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
details.scenario.fail { border-left: 5px solid var(--fail); }
details.scenario.pass { border-left: 5px solid var(--pass); }
details.scenario > summary { cursor: pointer; padding: 12px 16px; display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; list-style: none; }
details.scenario > summary::-webkit-details-marker { display: none; }
details.scenario > summary::before { content: "▸"; color: var(--muted); width: 10px; }
details.scenario[open] > summary::before { content: "▾"; }
.sid { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; color: var(--muted); }
.stitle { font-weight: 600; }
.stats { margin-left: auto; color: var(--muted); font-size: 12.5px; }
.body { padding: 0 18px 18px 38px; }
.desc { margin: 0 0 10px; max-width: 80ch; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 10px; font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.tag { display: inline-block; background: #f1f5f9; border-radius: 6px; padding: 0 6px; font-size: 12px; }
ul.reasons { margin: 8px 0; padding: 10px 14px 10px 30px; background: var(--fail-bg); border-radius: 8px; color: #7f1d1d; }
.reaudit { font-size: 13px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 22px; font-size: 12px; color: #334155; margin-bottom: 6px; }
.legend b { color: var(--muted); font-weight: 600; margin-right: 8px; text-transform: uppercase; font-size: 11px; letter-spacing: .05em; }
.lg { display: inline-flex; align-items: center; gap: 4px; margin-right: 10px; }
.sw { vertical-align: middle; }
.timeline-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
svg.timeline { display: block; max-width: 100%; height: auto; font-family: system-ui, sans-serif; }
svg .grid { stroke: #eef2f7; stroke-width: 1; }
svg .tick { fill: var(--muted); font-size: 10px; }
svg .cut-edge { stroke: #cbd5e1; stroke-dasharray: 3 2; }
svg .cut-label { fill: var(--muted); font-size: 9.5px; font-style: italic; }
svg .divider { stroke: var(--line); }
svg .stripe { fill: #f8fafc; }
svg .lane-label, svg .band-label { font-size: 10px; fill: #475569; font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
svg .band-label { fill: var(--fg); }
svg .span { stroke: #cbd5e1; stroke-width: 1.5; }
svg .span.none { stroke-dasharray: 3 3; stroke: #f87171; }
svg .span.exhausted { stroke: #fca5a5; }
svg .wait, .sw .wait { stroke: #64748b; stroke-width: 1; stroke-dasharray: 2 2; }
svg .fail-tick, .sw .fail-tick { stroke: #dc2626; stroke-width: 2; }
svg .exhausted, .sw .exhausted { stroke: #dc2626; stroke-width: 2; fill: none; }
svg .skip, .sw .skip { fill: #94a3b8; }
svg .flag-ring, .sw .flag-ring { fill: none; stroke: #dc2626; stroke-width: 2; }
svg .mark:hover, svg .band:hover { filter: brightness(.85); }
svg a.flag-link { cursor: pointer; }
svg a.flag-link > rect.band { stroke: #991b1b; stroke-width: 2; }
ol.violations { padding-left: 22px; margin: 0; }
li.violation { margin: 0 0 14px; }
li.violation:target { outline: 3px solid #fca5a5; outline-offset: 4px; border-radius: 4px; }
.v-head { display: flex; gap: 10px; align-items: baseline; }
.rule { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; font-weight: 700; color: var(--fail); background: var(--fail-bg); padding: 1px 7px; border-radius: 6px; }
.v-line { color: var(--muted); font-size: 12.5px; }
.back { font-size: 12px; margin-left: auto; }
.v-msg { margin: 4px 0; }
.v-where { margin: 0 0 4px; font-size: 12.5px; color: var(--muted); }
pre.ctx { margin: 4px 0 0; background: #0f172a; color: #cbd5e1; padding: 8px 0; border-radius: 8px; overflow-x: auto; font-size: 11.5px; line-height: 1.55; }
.ctx-line { display: block; padding: 0 12px 0 0; white-space: pre; }
.ctx-line.hit { background: rgba(239,68,68,.28); color: #fff; }
.ln { display: inline-block; width: 52px; padding-right: 10px; text-align: right; color: #64748b; user-select: none; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { details.scenario { break-inside: avoid; } }
`;
