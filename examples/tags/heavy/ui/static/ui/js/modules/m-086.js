// ui module 086 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-019.js", "./m-071.js"];
  function init086(el) {
    if (!el) { return; }
    el.classList.add("c-006");
    el.setAttribute("data-module", "m-086");
    el.addEventListener("click", function () { el.classList.toggle("c-006--active"); });
    return { name: "m-086", deps: deps, weight: 52 };
  }
  root.ui = root.ui || {};
  root.ui["m-086"] = init086;
})(this);
