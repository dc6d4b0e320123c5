// ui module 118 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-115.js", "./m-111.js"];
  function init118(el) {
    if (!el) { return; }
    el.classList.add("c-038");
    el.setAttribute("data-module", "m-118");
    el.addEventListener("click", function () { el.classList.toggle("c-038--active"); });
    return { name: "m-118", deps: deps, weight: 24 };
  }
  root.ui = root.ui || {};
  root.ui["m-118"] = init118;
})(this);
