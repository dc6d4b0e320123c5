// ui module 067 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-082.js", "./m-096.js"];
  function init067(el) {
    if (!el) { return; }
    el.classList.add("c-067");
    el.setAttribute("data-module", "m-067");
    el.addEventListener("click", function () { el.classList.toggle("c-067--active"); });
    return { name: "m-067", deps: deps, weight: 56 };
  }
  root.ui = root.ui || {};
  root.ui["m-067"] = init067;
})(this);
