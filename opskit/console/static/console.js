// Progressive enhancement only: the dashboard refreshes itself while visible.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch) { return; }
  var url = live.getAttribute("data-refresh");
  var seconds = parseInt(live.getAttribute("data-seconds") || "30", 10);
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error("signed out"); }
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.querySelector("main") || parsed.body;
        live.innerHTML = fresh.innerHTML;
      })
      .catch(function () { window.clearInterval(timer); });
  }
  var timer = window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
}());
