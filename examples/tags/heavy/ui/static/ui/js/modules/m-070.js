// ui module 070 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-091.js", "./m-111.js"];
  function init070(el) {
    if (!el) { return; }
    el.classList.add("c-070");
    el.setAttribute("data-module", "m-070");
    el.addEventListener("click", function () { el.classList.toggle("c-070--active"); });
    return { name: "m-070", deps: deps, weight: 66 };
  }
  root.ui = root.ui || {};
  root.ui["m-070"] = init070;
})(this);
