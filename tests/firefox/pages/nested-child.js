postMessage("hello");
