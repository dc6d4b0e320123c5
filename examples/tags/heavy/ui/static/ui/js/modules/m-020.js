// ui module 020 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-061.js", "./m-101.js"];
  function init020(el) {
    if (!el) { return; }
    el.classList.add("c-020");
    el.setAttribute("data-module", "m-020");
    el.addEventListener("click", function () { el.classList.toggle("c-020--active"); });
    return { name: "m-020", deps: deps, weight: 34 };
  }
  root.ui = root.ui || {};
  root.ui["m-020"] = init020;
})(this);
