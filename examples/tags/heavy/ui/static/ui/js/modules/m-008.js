// ui module 008 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-025.js", "./m-041.js"];
  function init008(el) {
    if (!el) { return; }
    el.classList.add("c-008");
    el.setAttribute("data-module", "m-008");
    el.addEventListener("click", function () { el.classList.toggle("c-008--active"); });
    return { name: "m-008", deps: deps, weight: 95 };
  }
  root.ui = root.ui || {};
  root.ui["m-008"] = init008;
})(this);
