// ui module 023 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-070.js", "./m-116.js"];
  function init023(el) {
    if (!el) { return; }
    el.classList.add("c-023");
    el.setAttribute("data-module", "m-023");
    el.addEventListener("click", function () { el.classList.toggle("c-023--active"); });
    return { name: "m-023", deps: deps, weight: 44 };
  }
  root.ui = root.ui || {};
  root.ui["m-023"] = init023;
})(this);
