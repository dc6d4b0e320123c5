// ui module 031 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-094.js", "./m-036.js"];
  function init031(el) {
    if (!el) { return; }
    el.classList.add("c-031");
    el.setAttribute("data-module", "m-031");
    el.addEventListener("click", function () { el.classList.toggle("c-031--active"); });
    return { name: "m-031", deps: deps, weight: 37 };
  }
  root.ui = root.ui || {};
  root.ui["m-031"] = init031;
})(this);
