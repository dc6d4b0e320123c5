// ui module 038 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-115.js", "./m-071.js"];
  function init038(el) {
    if (!el) { return; }
    el.classList.add("c-038");
    el.setAttribute("data-module", "m-038");
    el.addEventListener("click", function () { el.classList.toggle("c-038--active"); });
    return { name: "m-038", deps: deps, weight: 94 };
  }
  root.ui = root.ui || {};
  root.ui["m-038"] = init038;
})(this);
