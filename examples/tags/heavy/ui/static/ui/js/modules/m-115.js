// ui module 115 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-106.js", "./m-096.js"];
  function init115(el) {
    if (!el) { return; }
    el.classList.add("c-035");
    el.setAttribute("data-module", "m-115");
    el.addEventListener("click", function () { el.classList.toggle("c-035--active"); });
    return { name: "m-115", deps: deps, weight: 14 };
  }
  root.ui = root.ui || {};
  root.ui["m-115"] = init115;
})(this);
