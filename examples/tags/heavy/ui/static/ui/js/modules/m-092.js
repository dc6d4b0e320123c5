// ui module 092 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-037.js", "./m-101.js"];
  function init092(el) {
    if (!el) { return; }
    el.classList.add("c-012");
    el.setAttribute("data-module", "m-092");
    el.addEventListener("click", function () { el.classList.toggle("c-012--active"); });
    return { name: "m-092", deps: deps, weight: 72 };
  }
  root.ui = root.ui || {};
  root.ui["m-092"] = init092;
})(this);
