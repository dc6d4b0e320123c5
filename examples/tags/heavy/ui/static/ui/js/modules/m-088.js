// ui module 088 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-025.js", "./m-081.js"];
  function init088(el) {
    if (!el) { return; }
    el.classList.add("c-008");
    el.setAttribute("data-module", "m-088");
    el.addEventListener("click", function () { el.classList.toggle("c-008--active"); });
    return { name: "m-088", deps: deps, weight: 25 };
  }
  root.ui = root.ui || {};
  root.ui["m-088"] = init088;
})(this);
