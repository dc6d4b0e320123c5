// ui module 099 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-058.js", "./m-016.js"];
  function init099(el) {
    if (!el) { return; }
    el.classList.add("c-019");
    el.setAttribute("data-module", "m-099");
    el.addEventListener("click", function () { el.classList.toggle("c-019--active"); });
    return { name: "m-099", deps: deps, weight: 28 };
  }
  root.ui = root.ui || {};
  root.ui["m-099"] = init099;
})(this);
