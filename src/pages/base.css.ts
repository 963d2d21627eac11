/** The hosted pages' stylesheet; `--brand` comes from `/assets/brand.css`. */
export const BASE_CSS = `:root { --brand: #1f6feb; --on-brand: #ffffff; }
body { font-family: system-ui, sans-serif; background: #f6f8fa; color: #1f2328; margin: 0; }
main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px; border: 1px solid #d0d7de; }
.logo { max-height: 48px; max-width: 100%; display: block; margin-bottom: 1rem; }
label { display: block; margin-top: 1rem; font-weight: 600; }
label.inline { display: inline; }
input { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
input[type=radio], input[type=checkbox] { width: auto; }
button { margin-top: 1.5rem; width: 100%; padding: .75rem; font-size: 1rem; border: 0; border-radius: 6px; color: var(--on-brand); background: var(--brand); cursor: pointer; }
button:focus, input:focus, a:focus { outline: 3px solid var(--brand); outline-offset: 2px; }
.error { color: #b42318; background: #fef3f2; padding: .75rem; border-radius: 6px; }
.hint { font-size: .875rem; color: #57606a; }
.qr { max-width: 12rem; }
.notice { color: #1a7f37; background: #dafbe1; padding: .75rem; border-radius: 6px; }
nav.account { display: flex; gap: 1rem; margin-bottom: 1rem; }
ul.organizations li { margin: .5rem 0; }
form.inline { display: inline; }
form.inline button, button.small { width: auto; margin: 0 0 0 .5rem; padding: .25rem .75rem; font-size: .875rem; }
button.secondary { background: #fff; color: #1f2328; border: 1px solid #d0d7de; }
button.danger { background: #b42318; color: #fff; }
section + section { margin-top: 2rem; }
`;
