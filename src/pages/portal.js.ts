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
    // white or black text on the colour, whichever contrasts more (as /assets/brand.css does)
    function textOn(c) {
      var l = [1, 3, 5].map(function (i) {
        var v = parseInt(c.slice(i, i + 2), 16) / 255;
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      });
      var y = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
      return 1.05 / (y + 0.05) >= (y + 0.05) / 0.05 ? '#ffffff' : '#000000';
    }
    function update() {
      var c = color && hex.test(color.value) ? color.value : preview.getAttribute('data-inherited-color');
      if (c && hex.test(c)) { preview.style.setProperty('--brand', c); preview.style.setProperty('--on-brand', textOn(c)); }
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
