// ui module 007 (build 2)
(function (root) {
  "use strict";
  var deps = ["./m-022.js", "./m-036.js"];
  function init007(el) {
    if (!el) { return; }
    el.classList.add("c-007");
    el.setAttribute("data-module", "m-007");
    el.addEventListener("click", function () { el.classList.toggle("c-007--active"); });
    return { name: "m-007", deps: deps, weight: 59 };
  }
  root.ui = root.ui || {};
  root.ui["m-007"] = init007;
})(this);
