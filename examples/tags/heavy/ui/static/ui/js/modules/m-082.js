// ui module 082 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-007.js", "./m-051.js"];
  function init082(el) {
    if (!el) { return; }
    el.classList.add("c-002");
    el.setAttribute("data-module", "m-082");
    el.addEventListener("click", function () { el.classList.toggle("c-002--active"); });
    return { name: "m-082", deps: deps, weight: 5 };
  }
  root.ui = root.ui || {};
  root.ui["m-082"] = init082;
})(this);
