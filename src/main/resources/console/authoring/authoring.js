// Line numbers beside the template editor's source fields, and the line a refusal names marked
// in them; the wizard's time zone defaults to the browser's.
(function () {
  function gutter(area) {
    var pre = document.getElementById(area.id + "-gutter");
    if (!pre) { return; }
    var bad = parseInt(area.parentNode.getAttribute("data-error-line") || "0", 10);
    var count = Math.max(1, area.value.split("\n").length);
    var html = "";
    for (var i = 1; i <= count; i++) {
      html += i === bad ? '<span class="bad-line" id="' + area.id + '-bad-line">' + i + "</span>" : i + "\n";
    }
    pre.innerHTML = html;
    pre.scrollTop = area.scrollTop;
  }
  function start() {
    ["html", "text"].forEach(function (id) {
      var area = document.getElementById(id);
      if (!area) { return; }
      gutter(area);
      area.addEventListener("input", function () { gutter(area); });
      area.addEventListener("scroll", function () {
        document.getElementById(id + "-gutter").scrollTop = area.scrollTop;
      });
    });
    var zone = document.querySelector("[data-default-zone]");
    if (zone && !zone.value && window.Intl) {
      zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
