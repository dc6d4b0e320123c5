// ui module 012 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-037.js", "./m-061.js"];
  function init012(el) {
    if (!el) { return; }
    el.classList.add("c-012");
    el.setAttribute("data-module", "m-012");
    el.addEventListener("click", function () { el.classList.toggle("c-012--active"); });
    return { name: "m-012", deps: deps, weight: 41 };
  }
  root.ui = root.ui || {};
  root.ui["m-012"] = init012;
})(this);
