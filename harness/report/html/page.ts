import { esc } from "./escape.ts";

/**
 * The frame of every page the harness writes (report, triage, scorecards): one self-contained file, inline
 * CSS, no script, so it opens from a CI artifact or a mail attachment as it is. `title` is text; `body` is
 * HTML the caller built (and escaped).
 */
export const htmlPage = (title: string, styles: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${styles}</style>
</head>
<body>
${body}
</body>
</html>
`;
