// Before the first paint: the operator's chosen theme, else the system's, so a dark room stays dark.
// The theme and the browser's time zone are also left in cookies, for the server to draw pages as this
// browser will show them (aid-theme, aid-tz: read by the server's BrowserCookies).
(function () {
  var key = 'aid-theme';
  var stored = null;
  try { stored = localStorage.getItem(key); } catch (e) { /* storage blocked: follow the system */ }
  var system = window.matchMedia && window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  function remember(name, value) {
    document.cookie = name + '=' + encodeURIComponent(value) + '; path=/; max-age=31536000; samesite=strict';
  }
  function apply(theme) {
    document.documentElement.dataset.theme = theme;
    remember('aid-theme', theme);
  }
  apply(stored === 'light' || stored === 'dark' ? stored : system);
  try { remember('aid-tz', Intl.DateTimeFormat().resolvedOptions().timeZone); } catch (e) { /* the server leaves the zone to the browser */ }
  window.dashboardTheme = {
    get: function () { return document.documentElement.dataset.theme; },
    set: function (theme) {
      apply(theme);
      try { localStorage.setItem(key, theme); } catch (e) { /* not remembered */ }
    },
    copy: function (text) { return navigator.clipboard.writeText(text); }
  };
})();
