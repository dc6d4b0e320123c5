// ui module 107 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-082.js", "./m-056.js"];
  function init107(el) {
    if (!el) { return; }
    el.classList.add("c-027");
    el.setAttribute("data-module", "m-107");
    el.addEventListener("click", function () { el.classList.toggle("c-027--active"); });
    return { name: "m-107", deps: deps, weight: 21 };
  }
  root.ui = root.ui || {};
  root.ui["m-107"] = init107;
})(this);
