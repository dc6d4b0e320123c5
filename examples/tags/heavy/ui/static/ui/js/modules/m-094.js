// ui module 094 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-043.js", "./m-111.js"];
  function init094(el) {
    if (!el) { return; }
    el.classList.add("c-014");
    el.setAttribute("data-module", "m-094");
    el.addEventListener("click", function () { el.classList.toggle("c-014--active"); });
    return { name: "m-094", deps: deps, weight: 45 };
  }
  root.ui = root.ui || {};
  root.ui["m-094"] = init094;
})(this);
