// Compiled only to produce the precompiled header of `gongtong_pch`
// (cmake/GongtongPch.cmake); it defines nothing.
