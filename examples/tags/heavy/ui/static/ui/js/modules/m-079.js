// ui module 079 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-118.js", "./m-036.js"];
  function init079(el) {
    if (!el) { return; }
    el.classList.add("c-079");
    el.setAttribute("data-module", "m-079");
    el.addEventListener("click", function () { el.classList.toggle("c-079--active"); });
    return { name: "m-079", deps: deps, weight: 96 };
  }
  root.ui = root.ui || {};
  root.ui["m-079"] = init079;
})(this);
