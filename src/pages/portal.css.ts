/** The portal's stylesheet, on top of BASE_CSS (whose `.notice`, `button.secondary` and `button.danger` it uses as they are): a wide layout, tables, tab bar, compact buttons. */
export const PORTAL_CSS = `body.portal main { max-width: 72rem; margin: 1rem auto 3rem; }
body.portal button { width: auto; margin-top: .5rem; padding: .5rem 1rem; font-size: .95rem; }
body.portal input, body.portal select, body.portal textarea { font-size: .95rem; }
body.portal select, body.portal textarea { padding: .45rem; margin-top: .25rem; box-sizing: border-box; }
body.portal textarea { width: 100%; min-height: 4rem; }
.portal-header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #fff; border-bottom: 4px solid var(--brand); }
.portal-header .logo { max-height: 40px; margin: 0 1rem 0 0; display: inline-block; vertical-align: middle; }
.portal-header .context { display: inline-block; margin: 0; font-size: 1.1rem; vertical-align: middle; }
.portal-header .welcome { margin: .25rem 0 0; color: #57606a; font-size: .9rem; }
.portal-nav { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
/* links keep a fixed readable blue: a light branding colour would fail contrast on white */
.portal-nav a { color: #0969da; }
.inline-form { display: inline; margin: 0; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-start; }
.actions details { flex: 1 1 auto; }
.inline-form button { margin-top: 0; }
nav.tabs { max-width: 72rem; margin: 1rem auto 0; }
nav.tabs ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; margin: 0; padding: 0 .5rem; border-bottom: 1px solid #d0d7de; }
nav.tabs a { display: block; padding: .5rem .9rem; color: #1f2328; text-decoration: none; border: 1px solid transparent; border-bottom: 0; border-radius: 6px 6px 0 0; }
nav.tabs a[aria-current="page"] { background: #fff; border-color: #d0d7de; border-top: 3px solid var(--brand); font-weight: 600; }
table.list { width: 100%; border-collapse: collapse; margin: 1rem 0; }
table.list th, table.list td { text-align: left; padding: .5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
table.list th { font-size: .85rem; color: #57606a; }
.row-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin: 0; }
.row-form label { margin-top: 0; font-weight: normal; font-size: .85rem; }
.row-form input, .row-form select { width: auto; }
fieldset { border: 1px solid #d0d7de; border-radius: 6px; margin: 1rem 0; padding: .75rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
.badge { display: inline-block; font-size: .75rem; padding: .1rem .45rem; border-radius: 999px; background: #eaeef2; color: #57606a; margin-left: .25rem; }
.badge.set { background: #ddf4ff; color: #0969da; }
.settings-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
@media (max-width: 48rem) { .settings-grid { grid-template-columns: 1fr; } }
.preview { border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem; background: #f6f8fa; }
.preview .preview-card { background: #fff; border-radius: 8px; padding: 1rem; border-top: 4px solid var(--brand); }
.preview .preview-button { display: inline-block; padding: .5rem 1rem; border-radius: 6px; color: var(--on-brand); background: var(--brand); }
code.secret { word-break: break-all; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
