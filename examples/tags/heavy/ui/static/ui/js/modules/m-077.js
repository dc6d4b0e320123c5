// ui module 077 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-112.js", "./m-026.js"];
  function init077(el) {
    if (!el) { return; }
    el.classList.add("c-077");
    el.setAttribute("data-module", "m-077");
    el.addEventListener("click", function () { el.classList.toggle("c-077--active"); });
    return { name: "m-077", deps: deps, weight: 22 };
  }
  root.ui = root.ui || {};
  root.ui["m-077"] = init077;
})(this);
