// ui module 119 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-118.js", "./m-116.js"];
  function init119(el) {
    if (!el) { return; }
    el.classList.add("c-039");
    el.setAttribute("data-module", "m-119");
    el.addEventListener("click", function () { el.classList.toggle("c-039--active"); });
    return { name: "m-119", deps: deps, weight: 61 };
  }
  root.ui = root.ui || {};
  root.ui["m-119"] = init119;
})(this);
