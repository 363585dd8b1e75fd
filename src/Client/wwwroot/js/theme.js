// Before the first paint: the operator's chosen theme, else the system's, so a dark room stays dark.
(function () {
  var key = 'aid-theme';
  var stored = null;
  try { stored = localStorage.getItem(key); } catch (e) { /* storage blocked: follow the system */ }
  var system = window.matchMedia && window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  document.documentElement.dataset.theme = stored === 'light' || stored === 'dark' ? stored : system;
  window.dashboardTheme = {
    get: function () { return document.documentElement.dataset.theme; },
    set: function (theme) {
      document.documentElement.dataset.theme = theme;
      try { localStorage.setItem(key, theme); } catch (e) { /* not remembered */ }
    },
    copy: function (text) { return navigator.clipboard.writeText(text); }
  };
})();
