/**
 * `/assets/portal.js`: progressive enhancement only (every page works without it). The branding
 * form's preview follows the inputs as they are typed: colour, logo and welcome text. It sets
 * CSSOM properties, which the CSP allows (no inline style attribute is written).
 */
export const PORTAL_JS = `(function () {
  'use strict';
  function ready(fn) { if (document.readyState !== 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn); }
  ready(function () {
    var preview = document.getElementById('branding-preview');
    if (!preview) return;
    var color = document.getElementById('primary_color');
    var logo = document.getElementById('logo_url');
    var welcome = document.getElementById('welcome_text');
    var hex = /^#[0-9a-fA-F]{6}$/;
    function update() {
      var c = color && hex.test(color.value) ? color.value : preview.getAttribute('data-inherited-color');
      if (c && hex.test(c)) preview.style.setProperty('--brand', c);
      var img = document.getElementById('preview-logo');
      var url = logo && logo.value ? logo.value : preview.getAttribute('data-inherited-logo');
      if (img) {
        if (url && url.indexOf('https://') === 0) { img.src = url; img.hidden = false; } else { img.hidden = true; }
      }
      var text = document.getElementById('preview-welcome');
      if (text) text.textContent = welcome && welcome.value ? welcome.value : (preview.getAttribute('data-inherited-welcome') || '');
    }
    [color, logo, welcome].forEach(function (el) { if (el) el.addEventListener('input', update); });
  });
})();
`;
