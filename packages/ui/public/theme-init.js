/* global window, document, localStorage */
// Applies the saved (or system) theme before the first paint. A file, not an inline script:
// the server's Content-Security-Policy allows scripts from 'self' only.
(function () {
  var saved;
  try {
    saved = localStorage.getItem('pharos.theme');
  } catch (e) {
    saved = null;
  }
  var dark = saved ? saved === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.classList.toggle('dark', dark);
})();
