// ui module 081 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-004.js", "./m-046.js"];
  function init081(el) {
    if (!el) { return; }
    el.classList.add("c-001");
    el.setAttribute("data-module", "m-081");
    el.addEventListener("click", function () { el.classList.toggle("c-001--active"); });
    return { name: "m-081", deps: deps, weight: 69 };
  }
  root.ui = root.ui || {};
  root.ui["m-081"] = init081;
})(this);
