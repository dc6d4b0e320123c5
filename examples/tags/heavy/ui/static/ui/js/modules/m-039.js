// ui module 039 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-118.js", "./m-076.js"];
  function init039(el) {
    if (!el) { return; }
    el.classList.add("c-039");
    el.setAttribute("data-module", "m-039");
    el.addEventListener("click", function () { el.classList.toggle("c-039--active"); });
    return { name: "m-039", deps: deps, weight: 30 };
  }
  root.ui = root.ui || {};
  root.ui["m-039"] = init039;
})(this);
